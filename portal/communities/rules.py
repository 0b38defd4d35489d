"""What a new community's identity must look like (pure: no Flask, no database)."""

from __future__ import annotations

import re
from collections.abc import Collection

from portal.tenancy.models import CODE_PATTERN, SLUG_PATTERN

HOST_PATTERN = r"(?=.{4,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"


def identity_problems(*, code: str, slug: str, name: str,
                      reserved: Collection[str]) -> list[tuple[str, str]]:
    """(problem code, field) for each thing wrong with a community's code, address, name."""
    found = []
    if not re.fullmatch(CODE_PATTERN, code):
        found.append(("code_format", "code"))
    if not re.fullmatch(SLUG_PATTERN, slug):
        found.append(("slug_format", "slug"))
    elif slug in reserved:
        found.append(("slug_reserved", "slug"))
    if not name.strip():
        found.append(("name_missing", "name"))
    return found


def domain_problem(host: str) -> str | None:
    return None if re.fullmatch(HOST_PATTERN, host) else "domain_format"


#: The largest emblem kept (it travels in every page's header).
EMBLEM_MAX_BYTES = 200 * 1024


def emblem_uri(data: bytes) -> str | None:
    """The emblem as a ``data:`` URI, or None if ``data`` is neither a PNG nor an SVG image
    within EMBLEM_MAX_BYTES. (An image element shows an SVG without running anything in it,
    so its content needs no cleaning; a PNG is known by its signature.)"""
    import base64
    import re as _re

    if not data or len(data) > EMBLEM_MAX_BYTES:
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif _re.match(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]",
                   data[:4096], _re.S):
        kind = "image/svg+xml"
    else:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"
