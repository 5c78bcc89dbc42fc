"""CSRF prevention, on by default, as Apollo Router does it: a request a browser could send
cross-site without a CORS preflight (no ``content-type``, or one of the simple types
``application/x-www-form-urlencoded``, ``multipart/form-data``, ``text/plain``; every ``GET``
without one) must carry one of ``required_headers`` (``x-apollo-operation-name``,
``apollo-require-preflight``), which a browser sends cross-site only after a preflight the CORS
policy answers. Otherwise: 400 ``CSRF_ERROR`` before anything is parsed. Clients that are not
browsers (servers, ``curl``) send ``content-type: application/json`` with a ``POST`` or add
one of the headers to a ``GET``. (A simple ``POST`` never gets this far: the gateway reads only
JSON bodies and answers it 415 first.) Operations run from Python (``Gateway.execute`` without an
HTTP method) involve no browser and are not checked.
"""

from __future__ import annotations

from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin

SIMPLE_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
REQUIRED_HEADERS = ("x-apollo-operation-name", "apollo-require-preflight")


class CsrfPrevention(Plugin):
    name = "csrf"

    def __init__(self, required_headers: tuple[str, ...] = REQUIRED_HEADERS) -> None:
        self.required_headers = tuple(h.lower() for h in required_headers)
        listed = ", ".join(self.required_headers)
        self.message = (
            "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF)."
            " Please either specify a 'content-type' header (with a mime-type that is not one"
            " of application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide"
            f" one of the following headers: {listed}"
        )

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        if context.method is None:
            return None  # called from Python: no browser involved
        headers = context.headers
        content_type = headers.get("content-type")
        if content_type is not None:
            media = content_type.split(";", 1)[0].strip().lower()
            if media and media not in SIMPLE_TYPES:
                return None  # a browser preflights this
        for name in self.required_headers:
            if name in headers:
                return None
        return GatewayResponse.refusal(400, "CSRF_ERROR", self.message)
