"""The audit log's checkpoints in public: the page (Ukrainian and English, linked from every
page's footer) and the API, whose statements anyone can check with the published key
alone."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.factories.audit import build_chain

EN = {"Accept-Language": "en"}


def test_the_page_before_any_checkpoint_says_so_and_shows_the_key(client):
    page = client.get("/audit/checkpoints").get_data(as_text=True)
    assert "<h1>Контрольні точки журналу аудиту</h1>" in page
    assert "Жодної контрольної точки ще не підписано." in page
    key = client.get("/api/v1/audit/checkpoints").get_json()["key"]
    assert key["public_key"] in page and key["id"] in page
    assert "-----BEGIN PUBLIC KEY-----" in page


def test_the_page_lists_the_checkpoints_newest_first_in_english_too(client, db):
    events = build_chain(db)
    page = client.get("/audit/checkpoints", headers=EN).get_data(as_text=True)
    assert "<h1>Audit log checkpoints</h1>" in page and "2 checkpoints" in page
    assert page.index(events[9].hash) < page.index(events[4].hash)
    assert 'href="/api/v1/audit/checkpoints"' in page
    uk = client.get("/audit/checkpoints").get_data(as_text=True)
    assert "2 контрольні точки" in uk and "Як перевірити" in uk


def test_a_page_number_beyond_the_last_shows_the_last(client, db):
    build_chain(db)
    response = client.get("/audit/checkpoints?page=99999999999999999999")
    assert response.status_code == 200
    assert "Підписані контрольні точки" in response.get_data(as_text=True)
    for page in ("0", "x"):  # not a page number: the one rule (portal/parsing.py)
        assert client.get(f"/audit/checkpoints?page={page}").status_code == 400


def test_every_page_links_the_checkpoints_from_its_footer(client):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">'):]
    assert 'href="/audit/checkpoints"' in footer


def test_the_api_publishes_statements_anyone_can_check_with_the_key_alone(client, db):
    events = build_chain(db)
    body = client.get("/api/v1/audit/checkpoints").get_json()
    key = body["key"]
    raw = base64.b64decode(key["public_key"])
    assert key["algorithm"] == "Ed25519" and key["id"] == hashlib.sha256(raw).hexdigest()[:16]
    public = Ed25519PublicKey.from_public_bytes(raw)
    assert body["total"] == 2 and [c["number"] for c in body["checkpoints"]] == [2, 1]
    for checkpoint, event in zip(body["checkpoints"], (events[9], events[4]), strict=True):
        public.verify(base64.b64decode(checkpoint["signature"]),
                      checkpoint["statement"].encode("utf-8"))  # raises if forged
        statement = json.loads(checkpoint["statement"])
        assert (statement["count"], statement["last_event_id"], statement["head"]) == (
            checkpoint["count"], event.id, event.hash)
        assert statement["key"] == checkpoint["key_id"] == key["id"]
    # Each statement names the one before it: none can be dropped from a kept copy unseen.
    newer, older = (json.loads(c["statement"]) for c in body["checkpoints"])
    older_text = body["checkpoints"][1]["statement"]
    assert newer["previous"] == hashlib.sha256(older_text.encode()).hexdigest()
    assert older["previous"] is None


def test_the_api_pages_clamp_like_the_boards(client, db):
    build_chain(db)
    body = client.get("/api/v1/audit/checkpoints?page=7").get_json()
    assert (body["page"], body["pages"], len(body["checkpoints"])) == (1, 1, 2)
    for page in ("0", "-3"):  # below 1: the document forbids it
        assert client.get(f"/api/v1/audit/checkpoints?page={page}").status_code == 400
