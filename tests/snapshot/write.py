"""``write``: the outputs of one checkout (its database, reports, tallies and pages) as text.

See the package's docstring for what is written and why it is deterministic.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import deque
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from tests.snapshot import page_file

FROZEN_AT = "2026-11-20T09:30:00+00:00"  # "now" for the demo, which places open cycles around it
# Which links a crawl follows depends on the link alone, never on the order pages are met in
# (which changes when URLs move): ids up to MAX_ID (the demo's 47 projects, not the thousands of
# users), ?page= up to MAX_PAGE_NUMBER. MAX_PAGES is a safety net only.
MAX_ID = 50
MAX_PAGE_NUMBER = 3
MAX_PAGES = 1000  # per identity
SECRETS = {"SECRET_KEY": "snapshot-secret-key-fixed-so-that-two-runs-agree-0123456789",
           "PERSON_KEY_SECRET": "snapshot-person-key-secret-fixed-so-two-runs-agree"}
PORTAL_VARIABLES = ("PORTAL_", "DATABASE_", "TEST_DATABASE", "MAIL_", "OIDC_", "MAP_",
                    "UPLOAD_", "COMMUNITY_", "FLASK_", "RATELIMIT_", "PROXY_", *SECRETS)
ID_TABLES = {"cycle_id": "cycles", "program_id": "programs", "meeting_id": "meetings",
             "project_id": "projects", "line_id": "funding_lines", "user_id": "users"}
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
LINK = re.compile(r'(?:href|src)="([^"]*)"')
DOWNLOAD = re.compile(r"\.(?!json$)\w+$")  # a file (report, protocol, .pb): fetched once a run
ZIP_CONTENT = re.compile(r"^(word/(document|header\d*|footer\d*)|xl/(worksheets/.*|sharedStrings"
                         r"|workbook)|docProps/core)\.xml$")


class Entropy:
    """``os.urandom`` and ``SystemRandom`` as a SHA-256 counter stream restarted at each label,
    so that one step's randomness does not depend on the steps before it."""

    def install(self) -> None:
        os.urandom = self.urandom
        random._urandom = self.urandom  # what SystemRandom, and so secrets.*, reads
        self.reseed("start")

    def reseed(self, label: str) -> None:
        self.label, self.counter, self.buffer = label.encode(), 0, b""
        random.seed(label)

    def urandom(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self.buffer += hashlib.sha256(b"%s/%d" % (self.label, self.counter)).digest()
            self.counter += 1
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk


def readable(content: bytes) -> str:
    """Text that changes when, and only when, the document's content changes."""
    digest = f"sha256: {hashlib.sha256(content).hexdigest()}  bytes: {len(content)}\n"
    if content.startswith(b"%PDF"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            info = subprocess.run(["pdfinfo", pdf.name], capture_output=True, text=True).stdout
            text = subprocess.run(["pdftotext", "-layout", pdf.name, "-"], capture_output=True,
                                  text=True).stdout
        pages = re.search(r"^Pages:\s*(\d+)", info, re.M)
        return f"{digest}pages: {pages.group(1) if pages else '?'}\n\n{text}"
    if content.startswith(b"PK\x03\x04"):
        # No digest of the whole: openpyxl stamps worksheets with the real time of the file.
        parts = [f"bytes: {len(content)}\n"]
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                data = archive.read(info)
                parts.append(f"\n== {info.filename} sha256: {hashlib.sha256(data).hexdigest()}\n")
                if ZIP_CONTENT.search(info.filename):
                    parts.append(data.decode("utf-8").replace("><", ">\n<") + "\n")
        return "".join(parts)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:  # images
        return digest


class Writer:
    def __init__(self, out: Path, tmp: Path, entropy: Entropy) -> None:
        from portal import create_app  # the code of the checkout given with --root

        self.out, self.tmp, self.entropy = out, tmp, entropy
        self.app = create_app()
        self.runner = self.app.test_cli_runner()
        self.db_path = tmp / "portal.sqlite3"
        self.downloaded: set[str] = set()

    def save(self, relative: str, text: str) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")

    def cli(self, *args: object) -> tuple[int, bytes, str]:
        """``flask --app portal ARGS``: exit code, standard output, standard error."""
        result = self.runner.invoke(args=[str(a) for a in args])
        try:
            errors = result.stderr
        except ValueError:  # click before 8.2 mixes it into the output
            errors = ""
        if result.exception and not isinstance(result.exception, SystemExit):
            errors += f"{type(result.exception).__name__}: {result.exception}\n"
        return result.exit_code, result.stdout_bytes, errors

    def cli_text(self, *args: object) -> str:
        code, output, errors = self.cli(*args)
        return f"$ flask {' '.join(map(str, args))}\nexit {code}\n{output.decode()}{errors}"

    def sql(self, query: str) -> list[tuple]:
        with closing(sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)) as connection:
            return connection.execute(query).fetchall()

    def dump_database(self, folder: str | None) -> str:
        """Every table, rows in primary-key order, into ``folder``; one digest line a table."""
        digests = []
        for (table,) in self.sql("SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            columns = self.sql(f'PRAGMA table_info("{table}")')  # cid, name, type, ..., pk
            key = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
            order = ", ".join(f'"{c}"' for c in key or [c[1] for c in columns])
            rows = self.sql(f'SELECT * FROM "{table}" ORDER BY {order}')  # noqa: S608
            text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in [
                [c[1] for c in columns], *([v.hex() if isinstance(v, bytes) else v for v in r]
                                           for r in rows)])
            if folder:
                self.save(f"{folder}/{table}.txt", text)
            digest = hashlib.sha256(text.encode()).hexdigest()
            digests.append(f"{table} rows={len(rows)} sha256={digest}\n")
        if folder:
            self.save(f"{folder}/_schema.sql", "".join(stable_schema(sql) for (sql,) in self.sql(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")))
        return "".join(digests)

    def database_and_demo(self) -> list[tuple[str, str]]:
        """Migrate, load the demo, dump the database; the demo's (e-mail, password) pairs."""
        self.save("db-upgrade.txt", self.cli_text("db", "upgrade"))
        self.save("migration-head.txt", "".join(f"{v}\n" for (v,) in self.sql(
            "SELECT version_num FROM alembic_version ORDER BY 1")))
        self.entropy.reseed("demo load")
        demo = self.cli_text("demo", "load")
        self.save("demo-load.txt", demo)
        self.dump_database("db")
        # "Password of every demo account: X" (or its Ukrainian), or an older checkout's
        # "(password for all: X)"; then the accounts, one an indented line each (emails
        # met again under another community are one account).
        password = re.search(r"(?:Password of every demo account|Пароль усіх демонстраційних "
                             r"облікових записів|password for all): ([^)\s]+)", demo).group(1)
        emails = dict.fromkeys(re.findall(r"^\s+(\S+@\S+)", demo, re.M))
        return [(email, password) for email in emails]

    def reports(self, pdf_languages: list[str] | None) -> None:
        """Every ``report`` subcommand with every argument, format and language it accepts."""
        programs = self.sql("SELECT code, start_year, end_year FROM programs ORDER BY id")
        for name, command in sorted(self.app.cli.commands["report"].commands.items()):
            options = {o: p for p in command.params for o in p.opts}
            arguments = [p for p in command.params if p.param_type_name == "argument"]
            for code, start, end in programs:
                combos: list[list] = [[code]]
                for argument in arguments[1:]:  # the year, the quarter (an IntRange)
                    values = (range(start, end + 1) if argument.name == "year" else
                              range(argument.type.min, argument.type.max + 1))
                    combos = [combo + [value] for combo in combos for value in values]
                for combo in combos:
                    for lang in options["--lang"].type.choices:
                        for fmt in options["--format"].type.choices:
                            if fmt == "pdf" and pdf_languages and lang not in pdf_languages:
                                continue
                            exit_code, output, errors = self.cli(
                                "report", name, *combo, "--format", fmt, "--lang", lang)
                            stem = "-".join(map(str, [name, *combo[1:]]))
                            self.save(f"reports/{code}/{stem}.{lang}.{fmt}.txt",
                                      f"exit {exit_code}\n{errors}\n{readable(output)}")

    def tallies(self, pabulib: Path | None) -> None:
        """``pb tally`` with each rule and ``pb export``, of each cycle and each .pb imported."""
        tally = self.app.cli.commands["pb"].commands["tally"]
        rule = next(p for p in tally.params if "--rule" in p.opts)
        rules = [[]] + [["--rule", choice] for choice in rule.type.choices]

        def count(cycle_id: int, folder: str) -> None:
            self.save(f"{folder}/cycle-{cycle_id}.tally.txt", "".join(
                self.cli_text("pb", "tally", cycle_id, *extra, "--json") for extra in rules))
            self.save(f"{folder}/cycle-{cycle_id}.export.txt",
                      self.cli_text("pb", "export", cycle_id))

        for (cycle_id,) in self.sql("SELECT id FROM cycles ORDER BY id"):
            count(cycle_id, "tallies")
        for path in sorted(pabulib.glob("*.pb")) if pabulib else []:
            self.entropy.reseed(f"import {path.name}")
            exit_code, output, errors = self.cli("pb", "import-pabulib", path)
            self.save(f"pabulib/{path.stem}.import.txt",
                      f"exit {exit_code}\n{output.decode()}{errors}")
            if exit_code == 0:
                count(int(output.split()[-1]), f"pabulib/{path.stem}")

    def url_map_and_seeds(self) -> list[str]:
        """Write the URL map; return where crawls start: ``/``, every GET rule without
        arguments, and those with one id argument filled with ids of its table (a few pages,
        like the commission's tally page, are not linked from any other)."""
        rules = sorted(self.app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods)))
        self.save("urlmap.txt", "".join(
            f"{r.rule}\t{','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))}\t{r.endpoint}\n"
            for r in rules))
        seeds = ["/"]
        for rule in (r for r in rules if "GET" in r.methods and r.endpoint != "static"):
            table = ID_TABLES.get(next(iter(rule.arguments))) if len(rule.arguments) == 1 else None
            ids = [i for (i,) in self.sql(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608
                   ] if table else []
            seeds += [re.sub(r"<[^>]+>", str(i), rule.rule)
                      for i in (ids if len(ids) <= 10 else ids[:1] + ids[-1:])]
            seeds += [] if rule.arguments else [rule.rule]
        return list(dict.fromkeys(seeds))

    def crawl(self, identity: str, seeds: list[str], login: tuple[str, str] | None) -> None:
        """Log in through the form, then fetch pages breadth first, each into a file; the
        index lists them sorted, since the order changes when URLs move."""
        client, head, log = self.app.test_client(), [], []
        if login:
            self.entropy.reseed(f"{identity} login")
            form = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', form).group(1)
            response = client.post("/login", data={"email": login[0], "password": login[1],
                                                   "csrf_token": html.unescape(token)})
            head.append(f"POST /login {response.status_code} {response.location or ''}\n")
        queue, seen, fetched = deque(seeds), set(seeds), 0
        while queue and fetched < MAX_PAGES:
            url = queue.popleft()
            if DOWNLOAD.search(url.split("?")[0]) and url in self.downloaded:
                log.append(f"GET {url} fetched by an identity before\n")
                continue
            self.downloaded.add(url)
            fetched += 1
            self.entropy.reseed(f"{identity} GET {url}")
            response = client.get(url)
            log.append(f"GET {url} {response.status_code} {response.location or ''}\n")
            body = CSRF_INPUT.sub(lambda m: re.sub(r'value="[^"]*"', 'value="<csrf>"', m[0]),
                                  readable(response.get_data()))
            headers = "".join(f"{k}: {v}\n" for k, v in sorted(response.headers.items())
                              if k not in ("Set-Cookie", "Content-Length"))
            headers += "".join(f"Set-Cookie: {c.split('=', 1)[0]}=<value>;{c.partition(';')[2]}\n"
                               for c in response.headers.getlist("Set-Cookie"))
            self.save(f"pages/{identity}/{page_file(url)}",
                      f"GET {url}\n{response.status_code}\n{headers}\n{body}")
            links = LINK.findall(body) if response.mimetype == "text/html" else []
            for link in [response.location or "", *links]:
                target = site_link(url, html.unescape(link))
                if target and target not in seen and wanted(target):
                    seen.add(target)
                    queue.append(target)
        if queue:
            head.append(f"LIMIT of {MAX_PAGES} pages reached: the pages fetched depend on order\n")
        self.save(f"pages/{identity}.index.txt", "".join(head + sorted(log)))


def wanted(url: str) -> bool:
    """Whether a crawl follows a link: small ids and page numbers only (years are not ids), and
    not the login form once more for each page it protects (``?next=``)."""
    path, _, query = url.partition("?")
    if "next" in dict(parse_qsl(query)):
        return False
    limits = [(int(n), MAX_ID) for n in re.findall(r"\d+", path) if not 1900 <= int(n) <= 2100]
    limits += [(int(n), MAX_PAGE_NUMBER if name == "page" else MAX_ID)
               for name, value in parse_qsl(query) for n in re.findall(r"\d+", value)]
    return all(n <= limit for n, limit in limits)


def stable_schema(sql: str) -> str:
    """A CREATE statement with its constraints sorted: the migrations that recreate a table on
    SQLite (Alembic's batch mode) write them in set order, which differs from run to run."""
    lines = [line.rstrip().rstrip(",") for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.strip().startswith("CONSTRAINT"))
    rest = [line for line in lines if not line.strip().startswith("CONSTRAINT")]
    return "\n".join(rest[:-1] + constraints + rest[-1:]) + "\n\n"


def site_link(base: str, link: str) -> str | None:
    """``link`` as a path and query of this site; None for other sites and static files."""
    parts = urlsplit(urljoin(f"http://localhost{base}", link))
    if parts.scheme != "http" or parts.netloc != "localhost" or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def write(out: Path, root: Path, pabulib: Path | None, pdf_languages: list[str] | None) -> None:
    """Snapshot the checkout at ``root`` into ``out``; first runs itself again with hash
    randomisation off (set iteration order) and the process in UTC."""
    if os.environ.get("PYTHONHASHSEED") != "0" or os.environ.get("TZ") != "UTC":
        environment = dict(os.environ, PYTHONHASHSEED="0", TZ="UTC")
        os.execve(sys.executable, [sys.executable, *sys.argv], environment)  # noqa: S606
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(root)
    sys.path.insert(0, str(root))
    entropy = Entropy()
    entropy.install()  # before any module binds os.urandom to a name of its own
    import logging

    import time_machine

    started, laps = time.monotonic(), []
    with tempfile.TemporaryDirectory(prefix="portal-snapshot-") as name, \
            time_machine.travel(FROZEN_AT, tick=False):
        tmp = Path(name)
        for variable in [v for v in os.environ if v.startswith(PORTAL_VARIABLES)]:
            del os.environ[variable]
        os.environ.update(SECRETS, PORTAL_ENV="development", PORTAL_INSTANCE=str(tmp / "instance"),
                          DATABASE_URL=f"sqlite:///{tmp / 'portal.sqlite3'}")
        writer = Writer(out, tmp, entropy)
        logging.getLogger().setLevel(logging.WARNING)
        accounts = writer.database_and_demo()
        laps.append(f"demo {time.monotonic() - started:.0f} s")
        seeds = writer.url_map_and_seeds()  # of the demo alone, before the pabulib imports
        writer.crawl("anonymous", seeds, None)
        for email, password in accounts:
            writer.crawl(email.split("@")[0], seeds, (email, password))
        laps.append(f"pages {time.monotonic() - started:.0f} s")
        writer.reports(pdf_languages)
        laps.append(f"reports {time.monotonic() - started:.0f} s")
        writer.tallies(pabulib)
        laps.append(f"tallies {time.monotonic() - started:.0f} s")
        writer.save("db-final.txt", writer.dump_database(None))
    files = [p for p in out.rglob("*") if p.is_file()]
    print(f"{out}: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB; "
          f"done after: {', '.join(laps)}, all {time.monotonic() - started:.0f} s")
