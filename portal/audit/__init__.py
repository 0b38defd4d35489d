"""The append-only, hash-chained audit log."""

from portal.audit.services import record, record_last, verify_chain

__all__ = ["record", "record_last", "verify_chain"]
