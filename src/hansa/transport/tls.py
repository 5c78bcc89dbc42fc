"""TLS settings for both ends of the gateway: how it verifies a subgraph (and proves itself to
one, mutual TLS) and how it serves clients.

Contexts are built once, at start-up, so a missing file or a key that does not match its
certificate stops the gateway with a readable reason instead of failing every fetch.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass


class TlsError(ValueError):
    """A TLS setting that cannot be used: the file, and why."""


@dataclass(frozen=True)
class ClientTls:
    """Trust and identity towards a subgraph. ``ca_file``: the certificate authorities its
    certificate must chain to, in place of the system's (a private mesh trusts its own CA, not
    every public one); ``cert_file`` and ``key_file``: the certificate the gateway presents
    (the key may sit in ``cert_file``)."""

    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None

    def __post_init__(self) -> None:
        if self.key_file is not None and self.cert_file is None:
            raise TlsError("tls.key_file needs tls.cert_file (the certificate it belongs to)")

    def over(self, defaults: ClientTls | None) -> ClientTls:
        """These settings, each one missing taken from ``defaults``."""
        if defaults is None:
            return self
        cert, key = self.cert_file, self.key_file
        if cert is None:  # a certificate and its key go together
            cert, key = defaults.cert_file, defaults.key_file
        return ClientTls(self.ca_file or defaults.ca_file, cert, key)

    def context(self) -> ssl.SSLContext:
        try:
            context = ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as error:
            raise TlsError(f"tls.ca_file {self.ca_file}: {_reason(error)}") from None
        if self.cert_file is not None:
            _load_chain(context, self.cert_file, self.key_file)
        return context


@dataclass(frozen=True)
class ServerTls:
    """The gateway's own certificate; with ``client_ca_file``, clients must present a
    certificate issued by one of those authorities (mutual TLS)."""

    cert_file: str
    key_file: str | None = None
    client_ca_file: str | None = None

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        _load_chain(context, self.cert_file, self.key_file)
        if self.client_ca_file is not None:
            try:
                context.load_verify_locations(cafile=self.client_ca_file)
            except (OSError, ssl.SSLError) as error:
                raise TlsError(
                    f"tls.client_ca_file {self.client_ca_file}: {_reason(error)}"
                ) from None
            context.verify_mode = ssl.CERT_REQUIRED
        return context


def _load_chain(context: ssl.SSLContext, cert_file: str, key_file: str | None) -> None:
    try:
        context.load_cert_chain(cert_file, key_file)
    except (OSError, ssl.SSLError) as error:
        files = cert_file if key_file is None else f"{cert_file} and tls.key_file {key_file}"
        raise TlsError(f"tls.cert_file {files}: {_reason(error)}") from None


def _reason(error: OSError | ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLError):
        reason = error.reason or ""
        if reason == "KEY_VALUES_MISMATCH":
            return "the key does not belong to the certificate"
        if reason in ("PEM_LIB", "NO_START_LINE", "NO_CERTIFICATE_OR_CRL_FOUND"):
            return "not a PEM certificate (or key)"
        return reason.replace("_", " ").lower() or str(error)
    return error.strerror or str(error)
