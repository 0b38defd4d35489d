"""The append-only, hash-chained audit log."""

from portal.audit.services import append_params, append_sql, record, record_last, verify_chain

__all__ = ["append_params", "append_sql", "record", "record_last", "verify_chain"]
