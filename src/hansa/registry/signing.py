"""Signed supergraphs: the registry signs each composition with its Ed25519 key, and a gateway
configured with the public key refuses a supergraph whose signature does not verify — so a
compromised cache, bucket or proxy between them cannot make gateways serve another schema.

The signed message binds the SDL to where and which it is: graph, variant, composition number
and the SDL's SHA-256.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def message(graph: str, variant: str, number: int, sdl: str) -> bytes:
    digest = hashlib.sha256(sdl.encode()).hexdigest()
    return f"hansa-supergraph/1\n{graph}\n{variant}\n{number}\n{digest}\n".encode()


class Signer:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    @classmethod
    def generate(cls) -> Signer:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> Signer:
        """A private key as ``private_text()`` wrote it (raw 32 bytes, base64)."""
        return cls(Ed25519PrivateKey.from_private_bytes(base64.b64decode(text)))

    def private_text(self) -> str:
        raw = self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return base64.b64encode(raw).decode()

    def public_text(self) -> str:
        """The public key as gateways configure it: raw 32 bytes, base64."""
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(raw).decode()

    def sign(self, graph: str, variant: str, number: int, sdl: str) -> str:
        return base64.b64encode(self._key.sign(message(graph, variant, number, sdl))).decode()


class SignatureError(ValueError):
    """The key is unusable or the signature does not match."""


def verify(
    public_key: str, signature: str | None, graph: str, variant: str, number: int, sdl: str
) -> None:
    """Raise ``SignatureError`` unless ``signature`` is the registry's over this supergraph."""
    if not signature:
        raise SignatureError("the supergraph is not signed")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    except ValueError as error:
        raise SignatureError(f"the configured public key is not an Ed25519 key: {error}") from None
    try:
        key.verify(base64.b64decode(signature), message(graph, variant, number, sdl))
    except (InvalidSignature, ValueError):
        raise SignatureError("the supergraph's signature does not verify") from None
