"""The append-only, hash-chained audit log and its signed checkpoints."""

from portal.audit.checkpoints import take_checkpoint, verify_chain
from portal.audit.services import append_params, append_sql, record, record_last

__all__ = ["append_params", "append_sql", "record", "record_last", "take_checkpoint",
           "verify_chain"]
