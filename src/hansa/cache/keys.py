"""Cache keys and tags, in one place so that what is stored and what an invalidation names
agree.

An entity entry is keyed by everything its answer depends on: the subgraph, the fetch's
operation (its selection), the fetch's other variables, the representation, and the tenant;
a ``private`` one also by the user. It is tagged with its entity (``Type`` and key values) and
its type, which is what a change event names. A whole response is tagged with every type it
selected, so a change to any entity of those types drops it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from hansa.pipeline.context import RequestContext


def canonical(value: Any) -> bytes:
    """``value`` as JSON with sorted keys: equal values, equal bytes."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(part.encode() if isinstance(part, str) else part)
        hasher.update(b"\x00")
    return hasher.hexdigest()


def entity_tag(type_name: str, key: Mapping[str, Any]) -> str:
    """The tag of one entity: what ``{"type": "User", "key": {"id": "1"}}`` invalidates."""
    return f"entity:{type_name}:{canonical(dict(key)).decode()}"


def type_tag(type_name: str) -> str:
    """The tag every entity entry of a type and every response selecting it carries."""
    return f"type:{type_name}"


def response_tag(type_name: str) -> str:
    """The tag of every cached response that selected ``type_name``."""
    return f"responses:{type_name}"


def entity_tags(
    representation: Mapping[str, Any], key_fields: Sequence[tuple[str, ...]]
) -> tuple[str, ...]:
    """The tags of the entity a representation stands for: one per key (of any subgraph) whose
    fields it carries, and its type's."""
    type_name = str(representation.get("__typename"))
    tags = [type_tag(type_name)]
    for names in key_fields:
        if all(name in representation for name in names):
            tags.append(entity_tag(type_name, {name: representation[name] for name in names}))
    return tuple(tags)


def tenant_of(context: RequestContext | None) -> str:
    """The tenant part of the request's identity (``plugins/tenancy.py``), "" without one."""
    return _identity_part(context, "tenant")


def user_of(context: RequestContext | None) -> str | None:
    """Who the request is, for ``private`` entries: a digest of its verified token, None for
    an anonymous request (whose private answers are never stored)."""
    token = _identity_part(context, "jwt")
    return digest(token) if token else None


def _identity_part(context: RequestContext | None, kind: str) -> str:
    if context is None:
        return ""
    for part in context.identity:
        if isinstance(part, tuple) and len(part) == 2 and part[0] == kind:
            return str(part[1])
    return ""


def identity_digest(parts: Iterable[Any]) -> str:
    return digest(repr(tuple(parts)))
