"""The translation catalogue: extract, update, check. Used by ``flask translations`` and a test.

Message ids are English; ``translations/uk`` holds the Ukrainian text of every one and
``translations/en`` repeats the English, so both catalogues are complete. A catalogue is
stale when the code has a message it lacks or keeps one the code no longer has.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import Blueprint

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ("uk", "en")
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "N_": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2), "N_plural": (1, 2)}

cli = Blueprint("translations_cli", __name__, cli_group="translations")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every translatable message in the code and templates."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="portal", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="portal", charset="utf-8")
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def write(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True,
             include_lineno=False)
    path.write_bytes(buffer.getvalue())


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def problems(template: Catalog, locale: str) -> list[str]:
    """Why the ``locale`` catalogue does not match the code (empty when it does)."""
    catalog = read(locale)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    found = [f"{locale}: missing {mid!r}" for mid in sorted(wanted - have)]
    found += [f"{locale}: obsolete {mid!r}" for mid in sorted(have - wanted)]
    for message in catalog:
        if not message.id:
            continue
        if not _translated(message):
            found.append(f"{locale}: untranslated {message.id!r}")
    return found


def update() -> Catalog:
    """Bring both catalogues in line with the code; English is filled from the ids."""
    template = extract()
    for locale in LOCALES:
        catalog = read(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if locale == "en":
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id
        write(catalog, locale)
    return template


def compile_all() -> None:
    for locale in LOCALES:
        catalog = read(locale)
        with open(po_path(locale).with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)


@cli.cli.command("update")
def update_command() -> None:
    """Extract messages and update translations/uk and translations/en."""
    template = update()
    missing = problems(template, "uk")
    click.echo(f"{len(template)} messages; {len(missing)} Ukrainian problems")
    for line in missing[:50]:
        click.echo("  " + line)


@cli.cli.command("compile")
def compile_command() -> None:
    """Compile the catalogues to .mo files."""
    compile_all()
    click.echo("Compiled " + ", ".join(LOCALES))


@cli.cli.command("check")
def check_command() -> None:
    """Fail when a catalogue is stale or a message lacks its Ukrainian text."""
    template = extract()
    found = problems(template, "uk") + problems(template, "en")
    for line in found:
        click.echo(line, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Catalogues are complete.")
