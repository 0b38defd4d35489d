import base64
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.audit import signing
from portal.audit.rules import (
    ChainRow,
    Statement,
    StoredCheckpoint,
    Tampering,
    checkpoint_findings,
    digest,
    first_broken_link,
    row_hash,
    signed_statements,
)

GENESIS = "0" * 64


def chain(n: int) -> list[ChainRow]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        at = datetime(2026, 1, 1, 12, i, tzinfo=UTC)
        fields = dict(at=at, actor_id=i, action="x.y", object_type="user", object_id=str(i),
                      details="{}")
        h = row_hash(prev_hash=prev, **fields)
        rows.append(ChainRow(id=i, prev_hash=prev, hash=h, **fields))
        prev = h
    return rows


def test_an_intact_chain_has_no_broken_link():
    assert first_broken_link(chain(5), GENESIS) is None


def test_a_changed_field_is_caught_at_its_row():
    rows = chain(5)
    rows[2] = replace(rows[2], details='{"role":"admin"}')
    assert first_broken_link(rows, GENESIS) == (3, "hash")


def test_a_deleted_row_breaks_the_link_of_the_next():
    rows = chain(5)
    del rows[1]
    assert first_broken_link(rows, GENESIS) == (3, "prev_hash")


# Checkpoints: signed statements of the chain, checked without a database.

KEY = Ed25519PrivateKey.generate()
PUBLIC = signing.public_key_text(KEY)
KEY_ID = signing.key_id(PUBLIC)


def signed(rows: list[ChainRow], counts: tuple[int, ...], key=KEY) -> list[StoredCheckpoint]:
    """Checkpoints after each count of ``counts``, each linked to the one before."""
    stored, previous = [], None
    key_id = signing.key_id(signing.public_key_text(key))
    for number, count in enumerate(counts, start=1):
        last = rows[count - 1]
        statement = Statement(number=number, at=last.at, count=count, last_event_id=last.id,
                              head=last.hash, previous=previous, key=key_id)
        text = statement.text()
        stored.append(StoredCheckpoint(number, text, signing.sign(key, text), key_id, count,
                                       last.id, last.hash))
        previous = digest(text)
    return stored


def anchored(rows: list[ChainRow], counts) -> dict[int, tuple[int, str]]:
    return {count: (rows[count - 1].id, rows[count - 1].hash) for count in counts
            if count <= len(rows)}


def test_a_statement_reads_back_only_from_its_canonical_text():
    text = signed(chain(3), (3,))[0].statement
    assert Statement.parse(text).text() == text
    for bad in (text.replace(",", ", "), text.replace("checkpoint/1", "checkpoint/2"), "[]",
                "not json"):
        with pytest.raises(ValueError):
            Statement.parse(bad)


def test_signed_statements_keep_the_good_and_name_the_forged_and_the_missing():
    rows = chain(9)
    stored = signed(rows, (3, 6, 9))
    good, findings = signed_statements(stored, {KEY_ID: PUBLIC})
    assert [s.count for s in good] == [3, 6, 9] and findings == []

    other = signed(rows, (3, 6, 9), key=Ed25519PrivateKey.generate())
    _good, findings = signed_statements([stored[0], stored[1], other[2]], {KEY_ID: PUBLIC})
    assert [(f.kind, f.code) for f in findings] == [
        (Tampering.FORGED_CHECKPOINT, "forged_signature")]

    edited = StoredCheckpoint(**{**stored[2].__dict__, "count": 5})
    good, findings = signed_statements([*stored[:2], edited], {KEY_ID: PUBLIC})
    assert [f.code for f in findings] == ["forged_columns"]
    assert good[2].count == 9  # what was signed, not what the column says

    _good, findings = signed_statements([stored[0], stored[2]], {KEY_ID: PUBLIC})
    assert [(f.code, f.values) for f in findings] == [
        ("missing_checkpoint", {"number": 3, "previous": 1})]
    _good, findings = signed_statements(stored[1:], {KEY_ID: PUBLIC})
    assert [(f.code, f.values) for f in findings] == [("first_missing", {"number": 2})]


def test_the_chain_is_checked_against_the_statements():
    rows = chain(9)
    good, _ = signed_statements(signed(rows, (3, 6)), {KEY_ID: PUBLIC})
    assert checkpoint_findings(good, anchored(rows, (3, 6)), 9) == []
    # Cut after the 5th: the second statement counted 6.
    cut = checkpoint_findings(good, anchored(rows[:5], (3, 6)), 5)
    assert [(f.kind, f.values["have"]) for f in cut] == [(Tampering.TRUNCATION, 5)]
    # Another hash at position 6 (the chain recomputed from an earlier change).
    changed = {**anchored(rows, (3, 6)), 6: (rows[5].id, "f" * 64)}
    assert [f.kind for f in checkpoint_findings(good, changed, 9)] == [Tampering.REWRITE]


def test_keys_are_read_as_pem_or_base64_and_anything_else_is_refused():
    pem = signing.new_key_pem()
    key = signing.private_key(pem)
    seed = key.private_bytes_raw()
    assert signing.public_key_text(signing.private_key(base64.b64encode(seed).decode())) == \
        signing.public_key_text(key)
    for bad in ("", "not base64!", base64.b64encode(b"short").decode(),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"):
        with pytest.raises(ValueError):
            signing.private_key(bad)


def test_a_signature_checks_only_its_message_and_key():
    signature = signing.sign(KEY, "statement")
    assert signing.signature_valid(PUBLIC, "statement", signature)
    assert not signing.signature_valid(PUBLIC, "statement!", signature)
    other = signing.public_key_text(Ed25519PrivateKey.generate())
    assert not signing.signature_valid(other, "statement", signature)
    assert not signing.signature_valid(PUBLIC, "statement", "not base64!")
