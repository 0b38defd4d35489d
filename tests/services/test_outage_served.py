"""A database outage as production meets it: gunicorn with three sync workers, PostgreSQL
behind a relay that the test unplugs (every connection dropped, new ones refused, as when
the server stops) and plugs back in.

While it is out, nobody gets gunicorn's bare "Internal Server Error": pages, the API and
the health check answer 503 with Retry-After, in the person's language, a ballot comes
back to be sent again; each request logs one line. Once it is back, the very first
requests work, in every worker, and the ballot sent again is cast.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading

import pytest
import requests
from sqlalchemy import func, select

from tests import served
from tests.web.test_outage import Forms

pytestmark = pytest.mark.postgres

BASE_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(not BASE_URL.startswith("postgresql"),
                                    reason="needs PostgreSQL: a server to cut off")


class Relay:
    """A TCP relay from a free loopback port to PostgreSQL's: unplugged, it closes every
    connection it carries and refuses new ones; plugged back in, it carries them again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = served.free_port()
        self.listener: socket.socket | None = None
        self.carried: list[socket.socket] = []
        self.lock = threading.Lock()

    def plug(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def unplug(self) -> None:
        for connection in [self.listener, *self.carried]:
            with contextlib.suppress(OSError):  # already closed by the other end
                connection.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked on it
            connection.close()
        with self.lock:
            self.carried.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # unplugged
            server = socket.create_connection(self.target)
            with self.lock:
                self.carried += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


def browser(base: str, cookie: str | None = None) -> requests.Session:
    http = requests.Session()
    if cookie:
        http.cookies.set("session", cookie, domain="127.0.0.1")
    return http


@needs_postgres
@pytest.mark.timeout(240)
def test_an_outage_under_gunicorn_is_503_everywhere_and_the_first_requests_after_it_work(
        scratch):
    election = served.populate(scratch, voters=2)
    _user_id, token, _number = election.voters[0]
    url = served.make_url(scratch)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.plug()
    through_relay = url.set(host="127.0.0.1", port=relay.port).render_as_string(
        hide_password=False)
    server = served.Gunicorn(through_relay, workers=3, threads=1, worker_class="sync").start()
    base = server.base
    resident = browser(base, served.session_cookie(token))
    english = browser(base, served.session_cookie(election.voters[1][1], locale="en"))
    anonymous = browser(base)
    ballot = f"{base}/voting/{election.cycle_id}/ballot"
    choices = [f"{election.category_id}:{p}" for p in election.project_ids[:2]]
    try:
        for _ in range(9):  # every worker has a pooled connection, used moments ago
            assert resident.get(f"{base}/profile", timeout=30).status_code == 200

        relay.unplug()
        answers = {
            "anonymous page": anonymous.get(f"{base}/cycles/", timeout=30),
            "signed-in page": resident.get(f"{base}/profile", timeout=30),
            "English page": english.get(f"{base}/profile", timeout=30),
            "API": anonymous.get(f"{base}/api/v1/cycles/{election.cycle_id}/results",
                                 timeout=30),
            "health": anonymous.get(f"{base}/healthz", timeout=30),
        }
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          answers["signed-in page"].text).group(1)
        answers["ballot sent"] = resident.post(ballot, data={
            "csrf_token": token, "choice": choices, "action": "cast"}, timeout=30)
        for what, response in answers.items():
            assert response.status_code == 503, (what, response.text[:300])
            assert response.headers["Retry-After"] == "30", what
            assert "Internal Server Error" not in response.text, what
        assert "Портал тимчасово недоступний" in answers["signed-in page"].text
        assert "The portal is temporarily unavailable" in answers["English page"].text
        assert answers["API"].json()["error"]["code"] == 503
        assert answers["health"].json()["database"] == {"status": "down",
                                                        "error": "OperationalError"}
        sent = answers["ballot sent"].text
        assert "Не збережено" in sent
        again = Forms(sent).sending_again()
        assert sorted(value for name, _kind, value in again["inputs"] if name == "choice") == (
            sorted(choices))

        relay.plug()
        # The first requests after the database returns work, in every worker.
        statuses = [resident.get(f"{base}/profile", timeout=30).status_code for _ in range(9)]
        assert statuses == [200] * 9
        assert anonymous.get(f"{base}/healthz", timeout=30).json()["database"]["status"] == "up"
        cast = resident.post(base + again["action"], timeout=30, allow_redirects=False, data=[
            (name, value) for name, _kind, value in again["inputs"]])
        assert cast.status_code == 302 and cast.headers["Location"].endswith("/my-ballot")
    finally:
        server.stop()
        relay.unplug()

    from portal.db import make_engine
    from portal.voting.models import Ballot

    engine = make_engine(scratch)
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(Ballot)) == 1
    engine.dispose()
    log = server.log.read_text(encoding="utf-8")
    assert "Traceback" not in log
    assert log.count("Database unavailable on") == len(answers) - 1  # the health check: none
