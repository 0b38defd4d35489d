"""The append-only, hash-chained audit log."""

from portal.audit.services import record, verify_chain

__all__ = ["record", "verify_chain"]
