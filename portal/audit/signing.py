"""The Ed25519 key that signs the audit log's checkpoints, kept outside the database.

Someone who can rewrite the database can rewrite a hash chain and its head consistently;
they cannot sign a checkpoint without this key, which lives in the environment (or a file)
of the servers. The public key is published with the checkpoints so that anyone can check
them. A key is given as PEM (PKCS#8) or as the base64 of its 32-byte seed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)


@lru_cache(maxsize=8)
def private_key(text: str) -> Ed25519PrivateKey:
    """The key in ``text`` (PEM, or base64 of the 32-byte seed); ValueError if it is none."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = load_pem_private_key(text.encode("ascii"), password=None)
        except (TypeError, ValueError) as error:
            raise ValueError(f"not a PEM private key: {error}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    try:
        seed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("neither PEM nor base64") from None
    if len(seed) != 32:
        raise ValueError("a raw Ed25519 key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def new_key_pem() -> str:
    """A fresh private key as PEM (for a development instance)."""
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode("ascii")


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public half, as the base64 of its 32 raw bytes (what the API publishes)."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def key_id(public_text: str) -> str:
    """A short name of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(base64.b64decode(public_text)).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, message: str) -> str:
    """The base64 Ed25519 signature of ``message`` (UTF-8)."""
    return base64.b64encode(key.sign(message.encode("utf-8"))).decode("ascii")


def signature_valid(public_text: str, message: str, signature: str) -> bool:
    """Whether ``signature`` (base64) is the signature of ``message`` by ``public_text``."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_text))
        public.verify(base64.b64decode(signature, validate=True), message.encode("utf-8"))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def configured_key(config: Mapping[str, Any]) -> Ed25519PrivateKey:
    """The application's signing key (``AUDIT_SIGNING_KEY`` of its configuration)."""
    return private_key(config["AUDIT_SIGNING_KEY"])


def trusted_keys(config: Mapping[str, Any]) -> dict[str, str]:
    """The public keys whose checkpoints count, by key id: the configured key's."""
    public = public_key_text(configured_key(config))
    return {key_id(public): public}
