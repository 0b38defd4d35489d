"""Uploaded files: what kinds the portal accepts."""

from __future__ import annotations

from enum import StrEnum


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
