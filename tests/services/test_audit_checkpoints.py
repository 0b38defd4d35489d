"""The audit chain anchored by signed checkpoints: each tampering of issue 10, point 6, is
named by ``flask --app portal audit verify`` with its words and its exit code, where the
chain alone (``verify_chain``, all there was before) finds nothing wrong.

The chain: 12 events, checkpoint 1 after the 5th, checkpoint 2 after the 10th.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from portal import audit
from portal.audit import signing
from portal.audit.checkpoints import take_checkpoint, verify_log
from portal.audit.models import AuditCheckpoint
from portal.audit.rules import Statement, Tampering
from portal.refusal import Refused
from tests.factories import audit as tamper
from tests.factories.audit import KEY, build_chain

TRUSTED = {signing.key_id(signing.public_key_text(KEY)): signing.public_key_text(KEY)}


class Printed:
    """What a command printed (Babel's narrow no-break space before AM as a plain space)."""

    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.output = result.output.replace("\u202f", " ")


def verify(app, language: str = "en") -> Printed:
    return Printed(app.test_cli_runner().invoke(args=["audit", "verify", "--language",
                                                      language]))


def kinds(db) -> list[Tampering]:
    return [finding.kind for finding in verify_log(db, public_keys=TRUSTED).findings]


def test_an_intact_anchored_chain_verifies_and_says_how_far_it_is_signed(app, db, app_ctx):
    build_chain(db)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "Audit log intact. Events: 12; signed checkpoints: 2." in result.output
    assert "Events since checkpoint 2 (signed 01.03.2026, 11:10): 2." in result.output
    assert verify(app, "uk").exit_code == 0


def test_checkpoints_state_the_chain_and_link_to_the_one_before(db, app_ctx):
    events = build_chain(db)
    first, second = db.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.number)
                               ).scalars().all()
    assert (first.event_count, first.last_event_id, first.head_hash) == (
        5, events[4].id, events[4].hash)
    assert (second.event_count, second.last_event_id, second.head_hash) == (
        10, events[9].id, events[9].hash)
    statement = Statement.parse(second.statement)
    assert statement.previous is not None and statement.number == 2
    assert signing.signature_valid(signing.public_key_text(KEY), second.statement,
                                   second.signature)


def test_a_checkpoint_over_nothing_new_is_not_taken(db, app_ctx):
    build_chain(db, events=5, checkpoints_at=(5,))
    assert take_checkpoint(db, key=KEY, now=tamper.START) is None
    assert db.scalar(select(func.count()).select_from(AuditCheckpoint)) == 1


def test_truncation_with_the_head_rewritten_is_named(app, db, app_ctx):
    events = build_chain(db)
    tamper.truncate(db, events, keep=8)
    assert audit.verify_chain(db) is None  # what passed before checkpoints
    result = verify(app)
    assert result.exit_code == 3, result.output
    assert (f"Truncation: checkpoint 2 (signed 01.03.2026, 11:10) counted the events up to "
            f"event {events[9].id}, 10 in all; the log now has 8. The last events were "
            f"deleted.") in result.output
    assert kinds(db) == [Tampering.TRUNCATION]
    assert "Скорочення" in verify(app, "uk").output


def test_a_rewrite_with_every_later_hash_recomputed_is_named(app, db, app_ctx):
    events = build_chain(db)
    tamper.rewrite_and_rehash(db, events, index=3)
    assert audit.verify_chain(db) is None  # the chain and its head are consistent
    result = verify(app)
    assert result.exit_code == 4, result.output
    assert (f"Rewrite: checkpoint 1 (signed 01.03.2026, 11:05) signed hash "
            f"{events[4].hash[:16]}… for event {events[4].id} at position 5") in result.output
    assert "Rewrite: checkpoint 2" in result.output
    assert kinds(db) == [Tampering.REWRITE, Tampering.REWRITE]


def test_a_rewrite_after_the_last_checkpoint_is_out_of_its_reach(db, app_ctx):
    """What the schedule is for: events after the newest checkpoint are signed by none."""
    events = build_chain(db)
    tamper.rewrite_and_rehash(db, events, index=11)
    assert kinds(db) == []


#: (how the log is tampered with, the exit code, the words printed), for the events built.
NAMED = {
    "the head's hash moved to the new last event, its count left": (
        lambda db, e: tamper.truncate(db, e, keep=11, count=False), 3,
        lambda e: "Truncation: the head of the log counts more events (12) than the log has "
                  "(11)."),
    "the last event deleted, the head left": (
        tamper.delete_last_only, 3,
        lambda e: f"Truncation: the head of the log names a hash that no event has; events "
                  f"after event {e[10].id} were deleted."),
    "an event edited, its hash left": (
        lambda db, e: tamper.edit_without_rehash(db, e[6]), 4,
        lambda e: f"Rewrite: event {e[6].id} does not match its own hash; its content was "
                  f"changed."),
    "two events swapped": (
        lambda db, e: tamper.swap(db, e[2], e[6]), 5,
        lambda e: f"Reordering: event {e[2].id} is out of order: in the chain it follows "
                  f"event {e[5].id}, not event {e[1].id}."),
}


@pytest.mark.parametrize("case", sorted(NAMED))
def test_each_tampering_is_named_with_its_exit_code(app, db, app_ctx, case):
    action, code, words = NAMED[case]
    events = build_chain(db)
    action(db, events)
    result = verify(app)
    assert result.exit_code == code, result.output
    assert words(events) in result.output


def test_swapped_events_leave_the_checkpoints_in_place(db, app_ctx):
    events = build_chain(db)
    tamper.swap(db, events[2], events[6])
    assert kinds(db) == [Tampering.REORDERING]  # both checkpoints' events are in place


def test_an_event_deleted_from_the_middle_is_named(app, db, app_ctx):
    events = build_chain(db)
    tamper.delete_middle(db, events[7])
    result = verify(app)
    assert result.exit_code == 6, result.output
    assert (f"Deletion: events are missing before event {events[8].id}: it follows a hash "
            f"that no event has.") in result.output
    # Position 10 now holds the 11th event: checkpoint 2 no longer matches either.
    assert kinds(db) == [Tampering.DELETION, Tampering.REWRITE]


def test_a_checkpoint_signed_with_another_key_is_forged(app, db, app_ctx):
    build_chain(db)
    other = Ed25519PrivateKey.generate()
    forged = tamper.forge_checkpoint(db, key=other)
    result = verify(app)
    assert result.exit_code == 7, result.output
    assert (f"Forged checkpoint 3: its signature does not verify with the portal's public "
            f"key (it names key {forged.key_id}).") in result.output
    assert kinds(db) == [Tampering.FORGED_CHECKPOINT]


def test_a_checkpoint_naming_the_portals_key_but_signed_with_another_is_forged(app, db,
                                                                              app_ctx):
    build_chain(db)
    tamper.forge_checkpoint(db, key=Ed25519PrivateKey.generate(),
                            claim_key_id=next(iter(TRUSTED)))
    result = verify(app)
    assert result.exit_code == 7
    assert "Forged checkpoint 3" in result.output


def test_a_forged_checkpoint_cannot_cover_a_truncation(app, db, app_ctx):
    """Cut the log, then sign a lower count with a key of one's own: both are named."""
    events = build_chain(db)
    tamper.truncate(db, events, keep=8)
    tamper.forge_checkpoint(db, key=Ed25519PrivateKey.generate(), count=8)
    assert kinds(db) == [Tampering.TRUNCATION, Tampering.FORGED_CHECKPOINT]
    assert verify(app).exit_code == 3


def test_a_signed_checkpoints_stored_count_edited_to_hide_a_truncation_is_forged(app, db,
                                                                                app_ctx):
    events = build_chain(db)
    tamper.truncate(db, events, keep=8)
    tamper.lower_checkpoint_count(db, 2, 8)
    result = verify(app)
    assert "Forged checkpoint 2: its stored values differ from the statement that was signed." \
        in result.output
    assert "Truncation: checkpoint 2" in result.output  # by what was signed
    assert kinds(db) == [Tampering.TRUNCATION, Tampering.FORGED_CHECKPOINT]
    assert result.exit_code == 3


def test_a_deleted_checkpoint_is_missed_by_the_next(app, db, app_ctx):
    build_chain(db, events=14, checkpoints_at=(5, 10, 12))
    tamper.delete_checkpoint(db, 2)
    result = verify(app)
    assert result.exit_code == 8, result.output
    assert ("Missing checkpoint: checkpoint 3 does not follow checkpoint 1; a checkpoint "
            "between them was deleted or changed.") in result.output
    tamper.delete_checkpoint(db, 1)
    assert ("Missing checkpoint: checkpoint 3 is the first one left; the checkpoints before "
            "it were deleted.") in verify(app).output


def test_the_checkpoint_command_signs_then_skips_then_refuses_a_tampered_log(app, db,
                                                                            app_ctx):
    events = build_chain(db)
    runner = app.test_cli_runner()
    signed = runner.invoke(args=["audit", "checkpoint", "--language", "en"])
    assert signed.exit_code == 0, signed.output
    assert (f"Checkpoint 3 signed. Events: 12, up to event {events[11].id}; hash "
            f"{events[11].hash[:16]}…") in signed.output
    again = runner.invoke(args=["audit", "checkpoint", "--language", "en"])
    assert "Nothing new since checkpoint 3; no checkpoint taken." in again.output
    audit.record(db, actor=None, action="test.more", object_type="step")
    tamper.rewrite_and_rehash(db, events, index=11)
    refused = runner.invoke(args=["audit", "checkpoint", "--language", "en"])
    assert refused.exit_code == 1
    assert (f"The audit log does not check out at event {events[11].id}, after the last "
            f"checkpoint, so no checkpoint is signed over it.") in refused.output
    assert db.scalar(select(func.max(AuditCheckpoint.number))) == 3


def test_no_checkpoint_is_signed_over_a_forged_one_or_a_head_without_its_event(db, app_ctx):
    events = build_chain(db)
    tamper.delete_last_only(db, events)
    with pytest.raises(Refused) as refused:
        take_checkpoint(db, key=KEY, now=tamper.START)
    assert refused.value.code == "broken_head"
    audit.record(db, actor=None, action="test.more", object_type="step")  # a head again
    tamper.forge_checkpoint(db, key=Ed25519PrivateKey.generate())
    with pytest.raises(Refused) as refused:
        take_checkpoint(db, key=KEY, now=tamper.START)
    assert refused.value.code == "broken_checkpoint"
    assert "(3)" in str(refused.value)
