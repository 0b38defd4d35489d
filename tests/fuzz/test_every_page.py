"""Hostile input into every rule of the URL map, every query parameter and every HTML form.

For each rule, as a role that may use it (the access table, ``tests/web/access_table.py``):

1. its converters filled with hostile values (``/projects/٤٠``, ``/cycles/4294967296``,
   ``/reset/%00``), one argument at a time, the others naming real rows;
2. its page requested with hostile values in every query parameter the portal reads and in
   every field of the page's GET forms;
3. every POST form of its page parsed (``html.parser``) and sent back with hostile values in
   its fields, the CSRF token kept valid, so the values reach the form's checks and the
   services behind them; POST rules no page shows a form for get the same with the names
   the portal's forms use.

The values come from a fixed pool (NUL, non-ASCII digits, huge, negative and overflowing
numbers, ``NaN``, dates that do not exist, unicode oddities, the empty string) and from a
seeded generator of random text over the same kinds of characters, so every run sends the
same cases. It passes only with no 5xx; each page's requests run in a savepoint rolled back
after it.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import quote, urlencode, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.conftest import reset_rate_limits, sign_in
from tests.fuzz.conftest import count
from tests.web.access_table import ROUTES

pytestmark = pytest.mark.module_transaction

SEED = 20261203
CSRF_KEY = "f" * 40
#: Rounds of hostile values per form: the pool's values in turn, then random ones.
FORM_ROUNDS = 6

HOSTILE_NUMBERS = [
    "0", "-1", "-0", "99999999999", "2147483648", "4294967296", "9223372036854775808",
    "99999999999999999999999", "9" * 400, "-2147483649", "1e999", "NaN", "Infinity", "1_000",
    "1.5", "0x10", " 7 ", "²", "٤٠", "４０", "७", "Ⅻ", "𝟘", "+1",
]
HOSTILE_TEXT = [
    "", "\x00", "a\x00b", " ", "\t\r\n", "x" * 20_000, "ї" * 3000, "' OR 1=1 --", '"><b>x</b>',
    "<script>alert(1)</script>", "\u202eабв", "\ufeff", "\uffff", "😀" * 50, "%00", "%",
    "../../etc/passwd", "null", "[]", "2024-02-30", "0000-00-00", "9999-12-31T23:59",
    "-999999-01-01", "a@b", "a\x00b@example.org", "ⓐ@ⓑ.ⓒ",
]
POOL = HOSTILE_NUMBERS + HOSTILE_TEXT
#: What goes into an address's arguments, and into every query parameter of a page.
CONVERTER_VALUES = ["0", "-1", "2147483648", "99999999999999999999999", "٤٠", "²", "\x00",
                    "x" * 300, "%2F"]
#: Hostile numbers put in a form's numbers and lists, its other fields as the page filled them.
NUMBER_ROUNDS = ["²", "٤٠", "99999999999", "-1", "NaN", "1e9999"]
QUERY_VALUES = ["-1", "0", "99999999999", "9" * 400, "NaN", "1.5", "²", "٤٠", "", "\x00",
                "a\x00b", "x" * 20_000, "' OR 1=1 --", "\u202eабв", "%", "2024-02-30"]
#: Characters the random values are made of: ASCII, digits of other scripts, controls, wide.
ALPHABET = ("0123456789-.,:+e abcxyzАБВїєґ\x00\x01\x7f\u00a0\u200b\u2028"
            "²³¹٠١٢٣٤٥٦٧٨٩۰۱۲०१२０１２𝟎𝟏Ⅻ😀\ufffd")
#: Query parameters the portal reads (``request.args``), beyond those of the GET forms.
QUERY_NAMES = ["page", "q", "cycle", "category", "district", "status", "sort", "receipt",
               "next", "year", "kind", "lang"]
#: Field names posted to a POST rule no page shows a form for.
GENERIC_FIELDS = ["choice", "year", "cycle", "tally", "action", "unlink", "reason", "number",
                  "email", "password", "name", "text", "amount", "role", "kind"]


def hostile_values(rng: random.Random) -> Iterator[str]:
    """The pool in turn, then random text: short, long, numbers of other digits."""
    yield from POOL
    while True:
        size = rng.choice([1, 2, 3, 8, 40, 300])
        yield "".join(rng.choice(ALPHABET) for _n in range(size))


@dataclass
class FormSeen:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type
    options: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)  # what the page filled in


class Forms(HTMLParser):
    """The forms of a page: action, method, and each named field with its type."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[FormSeen] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(FormSeen(attributes.get("action", ""),
                                       attributes.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form, name = self.forms[-1], attributes.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            kind = attributes.get("type", tag)
            form.fields.setdefault(name, kind)
            if tag == "select":
                self._select = name
            if kind in ("checkbox", "radio", "submit") and attributes.get("value"):
                form.options.setdefault(name, []).append(attributes["value"])
                if "checked" in attributes or kind == "submit":
                    form.defaults.setdefault(name, attributes["value"])
            elif kind not in ("checkbox", "radio", "submit", "file") and "value" in attributes:
                form.defaults[name] = attributes["value"]
        elif tag == "option" and self._select:
            value = attributes.get("value", "")
            form.options.setdefault(self._select, []).append(value)
            if "selected" in attributes or self._select not in form.defaults:
                form.defaults[self._select] = value

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    @classmethod
    def of(cls, html: str) -> Forms:
        parser = cls()
        parser.feed(html)
        return parser


def role_for(expected: dict[str, int], method: str) -> str:
    """A role the guard lets through (a signed-in one when one may): for a page, one that
    gets it; for an action, one that is not refused."""
    order = ("resident", "admin", "staff", "commission", "verifier", "unverified", "anonymous")
    if method == "GET":
        return next((r for r in order if expected.get(r) == 200), "admin")
    return next((r for r in order if expected.get(r) not in (403, 404)), "admin")


class Fuzzer:
    def __init__(self, app, people, rng: random.Random) -> None:
        self.app, self.people, self.rng = app, people, rng
        self.values = hostile_values(rng)
        self.failures: list[str] = []
        self.clients: dict[str, object] = {}

    def value(self) -> str:
        return next(self.values)

    def client(self, role: str):
        """A client signed in as ``role`` (again: a form may have signed it out), whose
        session holds the CSRF key every token of :meth:`csrf` is made for."""
        client = self.clients.get(role) or self.clients.setdefault(role, self.app.test_client())
        if role != "anonymous":
            sign_in(client, self.people[role])
        with client.session_transaction() as session:
            session["csrf"] = CSRF_KEY
        return client

    def csrf(self) -> str:
        """A valid CSRF token for a session holding ``CSRF_KEY``."""
        from flask import session

        from portal.forms import ActionForm

        with self.app.test_request_context("/"):
            session["csrf"] = CSRF_KEY
            return ActionForm().csrf_token.current_token

    def send(self, client, role: str, method: str, url: str, **kwargs):
        """One case: the answer's status, counted; a 5xx (or an exception) is a failure."""
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001  (an error the app did not answer is a 5xx)
            count("pages (generated)", 599)
            self.failures.append(f"{method} {url} as {role}: {error!r}")
            return None
        status = response.status_code
        count("pages (generated)", status)
        if status >= 500:
            self.failures.append(f"{method} {url} as {role} {kwargs.get('data', '')!r:.300}: "
                                 f"{status}")
        body = response.get_data(as_text=True) if "html" in response.mimetype else ""
        response.close()
        # werkzeug's test client spools a multipart body over 500 KB to a temporary file it
        # never closes (the discussion's forms filled with hostile text reach that size).
        response.request.environ["wsgi.input"].close()
        return status, body


def hostile_paths(rule, arguments: dict) -> Iterator[str]:
    """The rule's address with one argument at a time replaced by hostile text."""
    for name in rule.arguments:
        for value in CONVERTER_VALUES:
            parts = {k: quote(str(v), safe="") for k, v in arguments.items()}
            parts[name] = quote(value, safe="")
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, p=parts: p[m[1]], rule.rule)
            yield path


@contextmanager
def savepoint(module_db) -> Iterator[None]:
    """What a page's cases write is rolled back after them (as ``module_case`` does)."""
    reset_rate_limits()
    module_db.commit()
    module_db.expire_all()
    nested = module_db.bind.begin_nested()
    try:
        yield
    finally:
        module_db.rollback()
        if nested.is_active:
            nested.rollback()


def fill(form: FormSeen, values: Iterator[str] | None, fuzzer: Fuzzer, csrf: str,
         numbers_only: bool = False) -> dict:
    """The form's fields with hostile values (each its own, or all the same one), the CSRF
    token kept; files with hostile names. With ``numbers_only`` the page's own values stay
    where they are not numbers (so that the form gets past its other checks) and every
    number, choice of a list and empty field gets the hostile value."""
    data: dict[str, object] = {}
    for name, kind in form.fields.items():
        default = form.defaults.get(name, "")
        if name == "csrf_token":
            data[name] = csrf
        elif numbers_only and kind != "file" and default and not (
                default.replace(".", "").replace(",", "").replace(" ", "").isdigit()
                or name in form.options):
            data[name] = default
        elif kind == "file":
            data[name] = (BytesIO(b"%PDF-1.4 hostile"), fuzzer.value() or "x.pdf")
        elif kind == "submit" and form.options.get(name):
            data[name] = fuzzer.rng.choice(form.options[name])
        else:
            data[name] = next(values) if values is not None else fuzzer.value()
    return data


@pytest.mark.timeout(1200)
def test_no_hostile_input_ends_in_a_server_error(app, fuzz_data, module_db, module_case):
    people, ids = fuzz_data
    fuzzer = Fuzzer(app, people, random.Random(SEED))
    adapter = app.url_map.bind("portal.test")
    same_values = itertools.cycle(POOL)
    posted: set[tuple] = set()

    csrf = fuzzer.csrf()

    def post_forms(forms: list[FormSeen], role: str, page: str) -> None:
        """Hostile values in every POST form, once per distinct form of the site."""
        for form in forms:
            action = urlsplit(form.action).path or page
            try:
                target = adapter.match(action, method="POST")[0]
            except HTTPException:
                target = action
            key = (target, tuple(sorted(form.fields)))
            if key in posted:
                continue
            posted.add(key)
            for round_ in range(FORM_ROUNDS):
                # Odd rounds: one value in every field; even rounds: each field its own.
                values = itertools.repeat(next(same_values)) if round_ % 2 else None
                client = fuzzer.client(role)  # signed in again: a form may sign out
                fuzzer.send(client, role, "POST", action,
                            data=fill(form, values, fuzzer, csrf),
                            content_type="multipart/form-data")
            for number in NUMBER_ROUNDS:
                client = fuzzer.client(role)
                fuzzer.send(client, role, "POST", action,
                            data=fill(form, itertools.repeat(number), fuzzer, csrf,
                                      numbers_only=True),
                            content_type="multipart/form-data")

    for method, template, expected in (ROUTES[name] for name in sorted(ROUTES)):
        role = role_for(expected, method)
        path = template.format(**ids)
        rule, arguments = adapter.match(path, method=method, return_rule=True)
        with savepoint(module_db):
            client = fuzzer.client(role)
            # 1. Hostile converters, one argument at a time.
            for hostile in hostile_paths(rule, arguments):
                fuzzer.send(client, role, method, hostile)
            if method != "GET":
                # 3'. An action no page of the table shows: the names the forms use.
                generic = FormSeen(path, "post", dict.fromkeys(GENERIC_FIELDS, "text"))
                generic.fields["csrf_token"] = "hidden"
                post_forms([generic], role, path)
                continue
            # 2. Hostile values in every query parameter the portal reads and in the
            # fields of the page's GET forms; a file (PDF, DOCX, CSV) gets a few.
            seen = fuzzer.send(client, role, "GET", path)
            page = Forms.of(seen[1] if seen else "")
            names = set(QUERY_NAMES).union(*(f.fields for f in page.forms if f.method == "get"))
            values = QUERY_VALUES if seen and seen[1] else QUERY_VALUES[:3]
            for value in values:
                fuzzer.send(client, role, "GET",
                            f"{path}?{urlencode(dict.fromkeys(sorted(names), value))}")
            # 3. Hostile values in the page's POST forms.
            post_forms([f for f in page.forms if f.method == "post"], role, path)
    # 1'. Old addresses that moved (not in the table): hostile converters only.
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("moved."):
            client = fuzzer.client("admin")
            for hostile in hostile_paths(rule, dict.fromkeys(rule.arguments, 1)):
                fuzzer.send(client, "admin", sorted(rule.methods - {"HEAD", "OPTIONS"})[0],
                            hostile)
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:50])
