"""Every string a person reads is in both catalogues, and Ukrainian is complete."""

from portal.catalog import extract, problems


def test_catalogues_are_current_and_complete():
    template = extract()
    assert len(template) > 100
    found = problems(template, "uk") + problems(template, "en")
    assert found == [], "run `make translations` and translate:\n" + "\n".join(found[:40])
