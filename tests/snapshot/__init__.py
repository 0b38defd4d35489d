"""Snapshot everything the portal puts out, so that a restructuring can show it changed none of it.

    python tests/snapshot write OUT_DIR [--root CHECKOUT] [--pabulib DIR] [--pdf-lang uk]
    python tests/snapshot compare OLD_DIR NEW_DIR [--moved MOVED.json]

(or ``python -m tests.snapshot ...`` from this checkout). ``write`` runs the code of CHECKOUT
(the current directory by default) with the Python that runs the script, so give it that
checkout's own venv; this script also snapshots a checkout that lacks it, e.g. the commit
before a restructuring: ``.venv/bin/python tests/snapshot write /tmp/new`` here, then
``/old/checkout/.venv/bin/python tests/snapshot write /tmp/old --root /old/checkout`` and
``python tests/snapshot compare /tmp/old /tmp/new``. A write takes two to three minutes;
it writes text files (some 50 MB) into OUT_DIR, which must be empty or missing:

* ``db/``: a fresh SQLite database migrated by the real migrations and loaded by ``demo
  load``, one file per table, every row in primary-key order, and the schema;
  ``migration-head.txt``; ``db-final.txt``: each table's row count and digest at the end;
* ``reports/``: every report the ``report`` CLI offers, for every program, year, quarter,
  format and language (PDF as its page count and ``pdftotext`` text, DOCX and XLSX as the
  XML parts that hold the content and a digest of every part);
* ``tallies/``: ``pb tally --json`` of every cycle, with its own rule and with each rule the
  command accepts, and ``pb export``; ``pabulib/``: the same for each ``.pb`` file imported;
* ``pages/``: a crawl of the demo with the Flask test client, anonymous and as each demo
  account, GET only, following links from ``/``, from every GET rule without arguments and
  from the rules that take one id (filled from the database); each page's status, headers and
  body, and an index per identity; ``urlmap.txt``: every rule, its methods and endpoint. A
  link is followed or not for what it is (ids up to 50, ``?page=`` up to 3), never for the
  order pages are met in, so moving URLs does not change which pages are fetched.

Only the stable surface of the portal is used (``create_app``, the CLI, HTTP and the database
file), because module paths under ``portal/`` are what a restructuring moves. The clock is
frozen (time-machine), ``os.urandom`` and ``SystemRandom`` (uuid4, argon2 salts, secrets.*)
read a SHA-256 stream restarted at each step (the demo, each import, each request) and hash
randomisation is off, so two runs of the same code write identical trees. What is still
random per request (CSRF tokens, cookies' values) and the temporary folder's name become
placeholders.

``compare`` prints what differs and exits 0 only when the trees are identical. ``--moved``
maps old URL prefixes to new ones (``{"/census/": "/staff/census/"}``): the old tree's page
names and bodies are rewritten with it first, and a page of the new tree at a moved old URL
that redirects to the new place is expected. Changes of the URL map are listed apart, for a
person to judge (endpoint names may change); they do not decide the exit code.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote


def page_file(url: str) -> str:
    """``/a/b`` -> ``a/b.page``, ``/a/`` -> ``a/_.page``, ``/`` -> ``_.page``, query kept."""
    path, _, query = url.partition("?")
    name = (path.strip("/") + ("/_" if path.endswith("/") else "")).lstrip("/")
    name += f"?{quote(query, safe='=&,;:@+')}" if query else ""
    head, _, last = name.rpartition("/")
    if len(last) > 150:
        last = last[:100] + "~" + hashlib.sha256(last.encode()).hexdigest()[:16]
    return f"{head}/{last}.page" if head else f"{last}.page"
