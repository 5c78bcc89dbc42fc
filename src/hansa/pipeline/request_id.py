"""Request ids: one per request, so that an error a client reports, the response's
``x-request-id`` header and the gateway's log lines can be matched.

A client (or a load balancer in front) may send its own id and it is kept, as Hive Gateway
and most proxies do, but only when it is a plain token: an id is written into logs, and a
client must not be able to write newlines or markup there.
"""

from __future__ import annotations

import random
import re
from typing import Any

HEADER = "x-request-id"

_PLAIN = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def request_id(sent: str | None) -> str:
    """The id the client sent when it is a plain token of at most 128 characters, else 128
    random bits as 32 hex digits (the size of a W3C trace id). The bits come from ``random``
    (seeded from the OS, and again in each forked worker), not ``os.urandom``: an id correlates
    log lines and need not be unguessable, and the system call cost about 2% of a light
    request under load (py-spy)."""
    if sent is not None and _PLAIN.fullmatch(sent):
        return sent
    return f"{random.getrandbits(128):032x}"


def with_request_id(body: dict[str, Any], request_id: str) -> dict[str, Any]:
    """``body`` with ``extensions.requestId`` in each error; a new body (the given one may be
    shared by deduplicated requests, each with its own id)."""
    errors = body.get("errors")
    if not errors:
        return body
    tagged = []
    for error in errors:
        if isinstance(error, dict):
            extensions = error.get("extensions")
            extensions = dict(extensions) if isinstance(extensions, dict) else {}
            extensions["requestId"] = request_id
            error = {**error, "extensions": extensions}
        tagged.append(error)
    return {**body, "errors": tagged}
