"""The catalogue as DCAT in JSON-LD (and the same graph as RDF/XML), for the national open
data portal (data.gov.ua) and any harvester of DCAT-AP.

What was followed:

* the dataset passport of the Regulation on datasets to be published as open data
  (Cabinet of Ministers resolution No. 835 of 21.10.2015, "Положення про набори даних"):
  identifier, title (up to 254 characters), short description (up to 4000), the
  розпорядник with the e-mail of the person responsible, update frequency, date and time
  of first publication and of the last change, language, keywords, formats and the link
  to each file (as summarised on opendata.gov.ua's guidance pages and the passports
  published by councils, e.g. kh.tax.gov.ua "ПАСПОРТ набору даних");
* data.gov.ua's register of datasets (set 1.7, "Реєстр наборів даних"), whose columns name
  the DCAT terms it reads: identifier, title, description, accrualPeriodicity, keyword,
  purpose, landingPage, distributionFormat, publisherName, publisherIdentifier,
  contactPointFn, contactPointHasEmail;
* W3C DCAT 3 and DCAT-AP: ``dcat:Catalog``/``dcat:Dataset``/``dcat:Distribution``; a file
  has both ``dcat:accessURL`` and ``dcat:downloadURL`` (DCAT-AP's advice when the access
  is a direct download), ``dcat:mediaType`` an IANA media type, ``dct:format`` and
  ``dct:accrualPeriodicity`` and ``dct:language`` from the EU vocabularies (file-type,
  frequency: ``UPDATE_CONT``, "відразу після внесення змін", since every file is made from
  the records when asked for; language ``UKR``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.links import external_url
from portal.opendata.catalogue import FORMATS, LICENCE_URL, MEDIA_TYPES, Entry, Publisher

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority"
FREQUENCY = f"{EU}/frequency/UPDATE_CONT"
LANGUAGE = f"{EU}/language/UKR"
CATALOGUE_DESCRIPTION = _l(
    "Open datasets of the community's participatory budget: projects, cycles, categories, "
    "results of the votes, implementation and funding. Published under the Law of Ukraine "
    "\"On access to public information\" and the community's regulation on the "
    "participatory budget.")
FILE_TYPES = {"csv": f"{EU}/file-type/CSV", "json": f"{EU}/file-type/JSON"}


def _text(value: Any) -> dict[str, str]:
    return {"@value": str(value), "@language": "uk"}


def _when(value: datetime) -> dict[str, str]:
    return {"@value": value.isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def _publisher(publisher: Publisher) -> dict[str, Any]:
    return {"@type": "foaf:Organization", "foaf:name": _text(publisher.name),
            "dct:identifier": publisher.code}


def _contact(publisher: Publisher) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": publisher.name}
    if publisher.email:
        found["vcard:hasEmail"] = {"@id": f"mailto:{publisher.email}"}
    return found


def _distribution(entry: Entry, fmt: str) -> dict[str, Any]:
    url = entry.url(fmt)
    return {"@id": url, "@type": "dcat:Distribution",
            "dct:title": _text(f"{entry.dataset.title} ({fmt.upper()})"),
            "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url},
            "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/"
                                      f"{MEDIA_TYPES[fmt]}"},
            "dct:format": {"@id": FILE_TYPES[fmt]},
            "dct:license": {"@id": LICENCE_URL}}


def _dataset(entry: Entry, publisher: Publisher, page: str) -> dict[str, Any]:
    dataset = entry.dataset
    modified = entry.modified or publisher.since
    return {
        "@id": f"{page}#{dataset.name}", "@type": "dcat:Dataset",
        "dct:identifier": f"{publisher.code}-{dataset.name}",
        "dct:title": _text(dataset.title), "dct:description": _text(dataset.description),
        "dcat:keyword": [_text(word.strip()) for word in str(dataset.keywords).split(",")],
        "dct:publisher": _publisher(publisher), "dcat:contactPoint": _contact(publisher),
        "dct:accrualPeriodicity": {"@id": FREQUENCY},
        "dct:issued": _when(publisher.since), "dct:modified": _when(max(modified,
                                                                         publisher.since)),
        "dct:language": {"@id": LANGUAGE}, "dct:license": {"@id": LICENCE_URL},
        "dcat:landingPage": {"@id": f"{page}#{dataset.name}"},
        "dcat:distribution": [_distribution(entry, fmt) for fmt in FORMATS],
    }


def catalog(entries: list[Entry], publisher: Publisher) -> dict[str, Any]:
    """The community's catalogue as one JSON-LD document (Ukrainian, whatever the reader's
    language: the metadata of a file is the file's own)."""
    page = external_url("opendata.index")
    with force_locale("uk"):
        return {
            "@context": CONTEXT, "@id": external_url("opendata.catalog"),
            "@type": "dcat:Catalog",
            "dct:title": _text(_("Open data: %(community)s", community=publisher.name)),
            "dct:description": _text(CATALOGUE_DESCRIPTION),
            "dct:publisher": _publisher(publisher), "dct:language": {"@id": LANGUAGE},
            "dct:license": {"@id": LICENCE_URL}, "foaf:homepage": {"@id": page},
            "dct:issued": _when(publisher.since),
            "dcat:dataset": [_dataset(e, publisher, page) for e in entries],
        }


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _name(term: str) -> str:
    """``dct:title`` as ElementTree's ``{http://purl.org/dc/terms/}title``."""
    prefix, _, local = term.partition(":")
    return f"{{{CONTEXT[prefix]}}}{local}"


def _property(parent: ElementTree.Element, term: str, value: Any) -> None:
    for one in value if isinstance(value, list) else [value]:
        element = ElementTree.SubElement(parent, _name(term))
        if isinstance(one, str):
            element.text = one
        elif "@type" in one and not one["@type"].startswith("xsd:"):
            _node(element, one)
        elif set(one) == {"@id"}:
            element.set(f"{{{RDF}}}resource", one["@id"])
        else:
            element.text = one["@value"]
            if "@language" in one:
                element.set(XML_LANG, one["@language"])
            if "@type" in one:
                element.set(f"{{{RDF}}}datatype", CONTEXT["xsd"] + one["@type"][4:])


def _node(parent: ElementTree.Element, node: dict[str, Any]) -> None:
    element = ElementTree.SubElement(parent, _name(node["@type"]))
    if "@id" in node:
        element.set(f"{{{RDF}}}about", node["@id"])
    for term, value in node.items():
        if not term.startswith("@"):
            _property(element, term, value)


def as_rdf_xml(document: dict[str, Any]) -> bytes:
    """The JSON-LD catalogue written as RDF/XML, the form CKAN's DCAT harvesters read too."""
    for prefix, namespace in {**CONTEXT, "rdf": RDF}.items():
        ElementTree.register_namespace(prefix, namespace)
    root = ElementTree.Element(f"{{{RDF}}}RDF")
    _node(root, document)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
