"""The words of the communities part."""

from __future__ import annotations

from portal.i18n import _l
from portal.refusal import Catalogue

PROBLEMS = Catalogue({
    "code_format": _l("The КАТОТТГ code is \"UA\" followed by 17 digits, for example "
                      "UA14020010000053517."),
    "code_taken": _l("A community with this КАТОТТГ code is already on the platform."),
    "slug_format": _l("The address is 2 to 40 small Latin letters, digits and hyphens, "
                      "starting with a letter."),
    "slug_reserved": _l("This address is one of the portal's own words; choose another."),
    "slug_taken": _l("Another community already has this address."),
    "name_missing": _l("Give the community's name."),
    "domain_format": _l("A domain is a host name such as pb.example-rada.gov.ua."),
    "domain_taken": _l("This domain already belongs to a community."),
    "emblem_format": _l("The emblem must be a PNG or SVG image of at most 200 KB."),
    "signatory_format": _l("Write each signature as the position, a vertical bar and the "
                           "name: Секретар міської ради | С.І. Кіщенко."),
})
