"""Persisted operations, in the two forms Apollo clients send them, resolved before parsing.

``AutomaticPersistedQueries`` is Apollo's APQ protocol: a client sends
``extensions.persistedQuery = {"version": 1, "sha256Hash": ...}`` without a document; an
unknown hash is answered ``PERSISTED_QUERY_NOT_FOUND`` and the client resends hash and document,
which is checked against the hash, stored and run. Documents live in memory (an LRU bounded in
bytes) or also in Redis, shared by every instance. A store that fails is a miss, never an error:
the client falls back to sending the document, which always runs.

``PersistedQueries`` is a persisted-operation manifest (Apollo's or Relay's format) loaded at
start: clients send an operation by id in the same extension, and free-form documents are let
through (``allow``), let through and logged once each (``log``) or refused unless listed
(``enforce``; ``require_id`` refuses every free-form document). Listed documents are compared as
Apollo Router compares them: ignored tokens and the order of top-level definitions do not count.

Run ``PersistedQueries`` before ``AutomaticPersistedQueries``: an id is looked up in the
manifest first, and only without safelisting do unknown ids and registrations reach APQ, so APQ
never lets a client add to the list. Messages, codes and statuses are Apollo Router's and Apollo
Server's; ``docs/persisted-queries.md`` has the table and the sources.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from graphql import GraphQLSyntaxError, parse, print_ast
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Lexer,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Source,
    TokenKind,
)

from hansa.cache.store import Entry, MemoryStore, RedisStore
from hansa.files import modified
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin

log = logging.getLogger("hansa.persisted_queries")

# Persisted query errors must not be cached: the next identical request may succeed (the client
# registers the document, or the list catches up). Apollo Server and Apollo Router send this.
NO_CACHE = ("cache-control", "private, no-cache, must-revalidate")

REDIS_TTL_SECS = 86_400.0  # a registration lives a day in Redis unless ``ttl_secs`` says otherwise
MEMORY_TTL_SECS = 10 * 365 * 86_400.0  # in memory: until the LRU needs the room
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
STATE_KEY = "persisted_queries"  # context.state: the document this plugin vouched for
MAX_REMEMBERED = 10_000  # verdicts cached and unknown documents remembered as reported
MAX_LOGGED_CHARS = 4_096  # of an unknown document's text in the log line
MAX_ECHOED_ID_CHARS = 128  # of an unknown id in the error message
MIN_PARSE_TOKENS = 5_000  # a free-form document may always be this long (introspection queries)

ID_REQUIRED_MESSAGE = (
    "This endpoint does not allow freeform GraphQL requests; operations must be sent by ID in"
    " the persisted queries GraphQL extension."
)
ID_AND_BODY_MESSAGE = "Sending a persisted query ID and a body in the same request is disallowed"
NOT_IN_SAFELIST_MESSAGE = "The operation body was not found in the persisted query safelist"


def _refusal(status: int, code: str, message: str, *, cache: bool = False) -> GatewayResponse:
    answer = GatewayResponse.refusal(status, code, message)
    if not cache:
        answer.headers.append(NO_CACHE)
    return answer


def _bad_extension(message: str) -> GatewayResponse:
    return GatewayResponse.refusal(400, "BAD_REQUEST", message)


def _read_extension(extensions: Mapping[str, Any] | None) -> str | GatewayResponse | None:
    """The id (``sha256Hash``) a well-formed ``persistedQuery`` extension carries, None when
    there is none (``null`` counts as none, as in Apollo Server), or the refusal of a malformed
    one: clients get a coded 400, never a traceback."""
    value = extensions.get("persistedQuery") if extensions else None
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return _bad_extension(
            "The 'persistedQuery' extension must be an object with 'version' and 'sha256Hash'."
        )
    version = value.get("version")
    if isinstance(version, bool) or not isinstance(version, int | float) or version != 1:
        return _bad_extension("Unsupported persisted query version")  # Apollo Server's words
    digest = value.get("sha256Hash")
    if not isinstance(digest, str):
        return _bad_extension("The 'persistedQuery' extension's 'sha256Hash' must be a string.")
    return digest


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # never raises, even for Python callers


# ---------------------------------------------------------------------------------------------
# Automatic persisted queries


@dataclass(frozen=True)
class ApqPolicy:
    enabled: bool = True
    # Shared by every instance when set; this process keeps an in-memory copy in front of it.
    redis_url: str | None = None
    # How long a registration lives; None: a day in Redis, in memory until the LRU evicts it.
    ttl_secs: float | None = None
    # The in-memory store's budget (documents, keys and overhead); Apollo Server's is 30 MiB.
    max_bytes: int = 30 * 1024 * 1024
    redis_prefix: str = "hansa:apq:"


class AutomaticPersistedQueries(Plugin):
    """Apollo's automatic persisted queries, as Apollo Router answers them."""

    name = "apq"

    def __init__(self, policy: ApqPolicy = ApqPolicy()) -> None:
        if policy.ttl_secs is not None and not policy.ttl_secs > 0:
            raise ValueError(f"apq ttl_secs {policy.ttl_secs!r}: must be more than 0 seconds")
        if policy.max_bytes <= 0:
            raise ValueError(f"apq max_bytes {policy.max_bytes!r}: must be more than 0")
        self.policy = policy
        default_ttl = REDIS_TTL_SECS if policy.redis_url else MEMORY_TTL_SECS
        self.ttl = policy.ttl_secs if policy.ttl_secs is not None else default_ttl
        self.memory = MemoryStore(policy.max_bytes)
        self.redis = (
            RedisStore(policy.redis_url, prefix=policy.redis_prefix)
            if policy.enabled and policy.redis_url
            else None
        )
        self.hits = self.misses = self.registered = 0

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        extensions = context.extensions
        if not extensions or extensions.get("persistedQuery") is None:
            return None
        if not self.policy.enabled:
            return _refusal(200, "PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")
        found = _read_extension(extensions)
        if not isinstance(found, str):
            return found
        digest = found.lower()  # Router compares the decoded bytes: case does not matter
        query = context.query
        if query is None:
            stored = await self._get(digest) if SHA256_HEX.fullmatch(digest) else None
            if stored is None:
                self.misses += 1
                return _refusal(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            self.hits += 1
            context.query = stored
            return None
        if hashlib.sha256(_utf8(query)).hexdigest() != digest:
            return _refusal(
                400, "PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query"
            )
        # Stored before it runs, as Router does: an invalid document is answered the same way
        # by hash as in full, and storing here cannot be skipped by a shared execution.
        await self._put(digest, query)
        self.registered += 1
        return None

    async def _get(self, digest: str) -> str | None:
        found = (await self.memory.get_many([digest]))[0]
        if found is None and self.redis is not None:
            try:
                found = (await self.redis.get_many([digest]))[0]
            except Exception:  # the store must never fail a request: a miss
                log.exception("APQ: reading Redis failed; answering as a miss")
                found = None
            # Content-addressed: a value that is not the hash's document is not served.
            if found is not None and hashlib.sha256(found).hexdigest() != digest:
                found = None
            if found is not None:
                await self.memory.set_many([Entry(digest, found, self.ttl)])
        return None if found is None else found.decode("utf-8", "surrogatepass")

    async def _put(self, digest: str, query: str) -> None:
        entry = Entry(digest, _utf8(query), self.ttl)
        await self.memory.set_many([entry])
        if self.redis is not None:
            try:
                await self.redis.set_many([entry])
            except Exception:  # the document still runs; other instances will ask for it
                log.exception("APQ: writing Redis failed; the document runs unshared")

    def health(self) -> dict[str, Any] | None:
        if not self.policy.enabled:
            return None
        detail: dict[str, Any] = {
            "documents": len(self.memory),
            "hits": self.hits,
            "misses": self.misses,
            "registered": self.registered,
        }
        if self.redis is not None:
            detail["redis"] = "down" if self.redis.down else "up"
        return detail

    async def close(self) -> None:
        await self.memory.close()
        if self.redis is not None:
            await self.redis.close()


# ---------------------------------------------------------------------------------------------
# Persisted-operation manifests (safelisting)


@dataclass(frozen=True)
class PersistedQueriesPolicy:
    # The manifest file: Apollo's persisted query manifest or Relay's {"<id>": "<document>"}.
    manifest: str
    # "allow": ids and any document; "log": the same, unknown documents logged once each;
    # "enforce": only listed documents, sent in full or by id.
    mode: Literal["allow", "log", "enforce"]
    # With "enforce": documents only by id, even listed ones (Router's safelist.require_id).
    require_id: bool = False
    # With "enforce": log refused documents too (once each), to see what clients still send.
    log_unknown: bool = True
    # The request header naming the client, for manifest operations that carry a clientName.
    client_name_header: str = "apollographql-client-name"
    # Seconds between checks of the manifest file for changes; 0: read once.
    reload_secs: float = 5.0


@dataclass(frozen=True)
class Manifest:
    """A loaded manifest: each operation's document by (id, client name or None)."""

    format: Literal["apollo", "relay"]
    operations: dict[tuple[str, str | None], str]


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers keys given twice with different values."""

    conflicts: list[str]


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    found = _JsonObject()
    found.conflicts = []
    for key, value in pairs:
        if key in found and found[key] != value:
            found.conflicts.append(key)
        found[key] = value
    return found


def load_manifest(path: str) -> Manifest:
    """Read a manifest, detecting its format; ``ValueError`` says what is wrong with it."""
    where = f"persisted query manifest {path}"
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError as error:
        raise ValueError(f"{where}: cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{where}: not UTF-8 text ({error.reason})") from None
    try:
        data = json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{where}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    expected = (
        'expected Apollo\'s {"format": "apollo-persisted-query-manifest", "version": 1,'
        ' "operations": [{"id", "body", ...}]} or Relay\'s {"<id>": "<document>", ...}'
    )
    if not isinstance(data, _JsonObject):
        raise ValueError(f"{where}: {expected}")
    if "format" in data or "operations" in data:
        return Manifest("apollo", _apollo_operations(data, where))
    if all(isinstance(value, str) for value in data.values()):
        if data.conflicts:
            raise ValueError(
                f"{where}: operation id {data.conflicts[0]!r} appears twice with different bodies"
            )
        if "" in data:
            raise ValueError(f"{where}: an operation has an empty id")
        return Manifest("relay", {(key, None): body for key, body in data.items()})
    raise ValueError(f"{where}: {expected}")


def _apollo_operations(data: _JsonObject, where: str) -> dict[tuple[str, str | None], str]:
    """Apollo's format, checked as Router checks it (format, version 1, id and body per
    operation), and an id listed twice with different bodies refused."""
    if data.get("format") != "apollo-persisted-query-manifest":
        raise ValueError(
            f"{where}: format {data.get('format')!r} is not 'apollo-persisted-query-manifest'"
        )
    version = data.get("version")
    if isinstance(version, bool) or version != 1:
        raise ValueError(f"{where}: version {version!r} is not supported (expected 1)")
    listed = data.get("operations")
    if not isinstance(listed, list):
        raise ValueError(f"{where}: 'operations' must be a list")
    operations: dict[tuple[str, str | None], str] = {}
    for index, operation in enumerate(listed):
        at = f"{where}: operations[{index}]"
        if not isinstance(operation, dict):
            raise ValueError(f"{at} must be an object with 'id' and 'body'")
        op_id, body = operation.get("id"), operation.get("body")
        client = operation.get("clientName")
        if not isinstance(op_id, str) or not op_id:
            raise ValueError(f"{at}: 'id' must be a non-empty string")
        if not isinstance(body, str):
            raise ValueError(f"{at} ({op_id!r}): 'body' must be a string")
        if client is not None and not isinstance(client, str):
            raise ValueError(f"{at} ({op_id!r}): 'clientName' must be a string")
        key = (op_id, client)
        if operations.get(key, body) != body:
            named = f" for client {client!r}" if client is not None else ""
            raise ValueError(
                f"{where}: operation id {op_id!r}{named} appears twice with different bodies"
            )
        operations[key] = body
    return operations


def normalized(document: DocumentNode) -> str:
    """Router's safelist form: operations sorted by name, then fragments sorted by name,
    printed in the default layout (ignored tokens gone); field and argument order still count."""

    def by_name(node: OperationDefinitionNode | FragmentDefinitionNode) -> tuple[bool, str]:
        return (node.name is not None, node.name.value if node.name else "")

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    ordered = [*sorted(operations, key=by_name), *sorted(fragments, key=by_name)]
    return print_ast(DocumentNode(definitions=tuple(ordered)))


INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})


def introspection_only(document: DocumentNode) -> bool:
    """Every operation a query whose root fields (through fragments) are introspection."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }

    def only_introspection(selections: SelectionSetNode, seen: set[str]) -> bool:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value not in INTROSPECTION_FIELDS:
                    return False
            elif isinstance(selection, InlineFragmentNode):
                if not only_introspection(selection.selection_set, seen):
                    return False
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen:
                    continue
                seen.add(name)
                fragment = fragments.get(name)
                if fragment is None or not only_introspection(fragment.selection_set, seen):
                    return False
        return True

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        op.operation == OperationType.QUERY and only_introspection(op.selection_set, set())
        for op in operations
    )


def _token_count(text: str) -> int:
    lexer, count = Lexer(Source(text)), 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class _Verdict:
    listed: bool
    introspection: bool
    form: bytes  # the SHA-256 of the compared form: one report per distinct document


class PersistedQueries(Plugin):
    """Operations by id from a manifest, and the manifest as a safelist.

    ``apq``: an ``AutomaticPersistedQueries`` plugin runs after this one, so without
    safelisting, ids the manifest lacks and id-plus-document registrations are left to it (as
    Router does); with safelisting APQ is never reached. ``introspection``: the gateway serves
    introspection, and introspection-only documents pass the safelist (as in Router)."""

    name = "persisted_queries"

    def __init__(
        self, policy: PersistedQueriesPolicy, *, apq: bool = False, introspection: bool = False
    ) -> None:
        if policy.mode not in ("allow", "log", "enforce"):
            raise ValueError(
                f"persisted queries mode {policy.mode!r}: expected 'allow', 'log' or 'enforce'"
            )
        if policy.require_id and policy.mode != "enforce":
            raise ValueError(
                f"persisted queries require_id needs mode = 'enforce' (mode is {policy.mode!r})"
            )
        self.policy = policy
        self.safelisting = policy.mode == "enforce"
        if apq and self.safelisting:
            log.warning(
                "APQ is off while persisted queries are enforced: registering documents at"
                " run time would let any client add to the list"
            )
        self.apq = apq and not self.safelisting
        self.introspection = introspection
        self.client_header = policy.client_name_header.lower()
        self._verdicts: OrderedDict[bytes, _Verdict] = OrderedDict()
        self._stamp = modified(policy.manifest)
        self._use(load_manifest(policy.manifest))
        self._watching: asyncio.Task[None] | None = None
        self._reported: OrderedDict[bytes, None] = OrderedDict()
        self.by_id = self.refused = self.unknown = 0

    def _use(self, manifest: Manifest) -> None:
        """Serve ``manifest`` from now on (at start, and when its file changes)."""
        listed: set[str] = set()
        largest = 0
        for (op_id, _), body in manifest.operations.items():
            try:
                document = parse(body, no_location=True)
            except (GraphQLSyntaxError, RecursionError) as error:
                log.warning(
                    "persisted query %r in %s does not parse (%s): it matches only as written",
                    op_id,
                    self.policy.manifest,
                    str(error).splitlines()[0],
                )
                listed.add(body)
                continue
            listed.add(normalized(document))
            largest = max(largest, _token_count(body))
        self.manifest, self.listed = manifest, listed
        # A document that matches a listed one has its tokens, and at most one more per
        # operation (an anonymous query's `query`): longer ones are not parsed at all.
        self.max_tokens = max(2 * largest + 16, MIN_PARSE_TOKENS)
        self._verdicts = OrderedDict()

    async def start(self) -> None:
        if self._watching is None and self.policy.reload_secs > 0:
            self._watching = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        """Serve the manifest file's new contents when it changes (a deploy, or the registry
        source writing a client's new operations); a file that does not load is logged and
        the previous manifest kept."""
        while True:
            await asyncio.sleep(self.policy.reload_secs)
            stamp = modified(self.policy.manifest)
            if stamp == self._stamp:
                continue
            self._stamp = stamp
            try:
                manifest = await asyncio.to_thread(load_manifest, self.policy.manifest)
            except ValueError as error:
                log.error("persisted queries not reloaded, keeping the previous ones: %s", error)
                continue
            self._use(manifest)
            log.info(
                "persisted queries reloaded from %s: %d operations",
                self.policy.manifest,
                len(manifest.operations),
            )

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            self._watching = None

    def lookup(self, op_id: str, client: str | None) -> str | None:
        """The document listed under ``op_id`` for ``client``, else for any client."""
        operations = self.manifest.operations
        if client is not None and (body := operations.get((op_id, client))) is not None:
            return body
        return operations.get((op_id, None))

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        found = _read_extension(context.extensions)
        if isinstance(found, GatewayResponse):
            return found
        if found is not None:
            return self._by_id(context, found)
        query = context.query
        if self.policy.require_id:
            if self.policy.log_unknown and query:
                self._report(query, None)
            self.refused += 1
            return _refusal(400, "PERSISTED_QUERY_ID_REQUIRED", ID_REQUIRED_MESSAGE, cache=True)
        if self.safelisting and query:
            if not self._allowed(query, None):
                return self._not_in_safelist()
            context.state[STATE_KEY] = query
        return None

    def _by_id(self, context: RequestContext, op_id: str) -> GatewayResponse | None:
        if context.query is not None:
            if self.apq:
                return None  # an APQ registration
            self.refused += 1
            return _refusal(400, "CANNOT_SEND_PQ_ID_AND_BODY", ID_AND_BODY_MESSAGE)
        body = self.lookup(op_id, context.header(self.client_header))
        if body is None:
            if self.apq:
                return None  # perhaps an APQ hash
            self.refused += 1
            shown = (
                op_id if len(op_id) <= MAX_ECHOED_ID_CHARS else op_id[:MAX_ECHOED_ID_CHARS] + "…"
            )
            return _refusal(
                404,
                "PERSISTED_QUERY_NOT_IN_LIST",
                f"Persisted query '{shown}' not found in the persisted query list",
            )
        self.by_id += 1
        context.query = body
        # The id is spent: later plugins (APQ) see a plain request, as in Router.
        extensions = context.extensions or {}
        context.extensions = {k: v for k, v in extensions.items() if k != "persistedQuery"}
        context.state[STATE_KEY] = body
        return None

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        """The document as it is about to run: a document this plugin did not vouch for (one
        APQ resolved, or a later plugin set) is logged in ``log`` mode and refused when
        enforcing, so no plugin order lets an unlisted document through."""
        query = context.query
        if self.policy.mode == "allow" or not query or context.state.get(STATE_KEY) is query:
            return None
        document = context.operation.prepared.document if context.operation else None
        if self._allowed(query, document):
            return None
        return self._not_in_safelist() if self.safelisting else None

    def _allowed(self, query: str, document: DocumentNode | None) -> bool:
        """Whether ``query`` may run; an unknown one is reported (once) when it should be."""
        verdict = self._verdict(query, document)
        if verdict.listed or (self.introspection and verdict.introspection):
            return True
        if not self.safelisting or self.policy.log_unknown:
            self._report(query, verdict)
        return False

    def _not_in_safelist(self) -> GatewayResponse:
        self.refused += 1
        return _refusal(403, "QUERY_NOT_IN_SAFELIST", NOT_IN_SAFELIST_MESSAGE)

    def _verdict(self, query: str, document: DocumentNode | None) -> _Verdict:
        key = hashlib.sha256(_utf8(query)).digest()
        cached = self._verdicts.get(key)
        if cached is not None:
            self._verdicts.move_to_end(key)
            return cached
        if document is None:
            try:
                document = parse(query, no_location=True, max_tokens=self.max_tokens)
            except (GraphQLSyntaxError, RecursionError):
                document = None  # compared as written, as Router compares what does not parse
        form = query if document is None else normalized(document)
        verdict = _Verdict(
            form in self.listed,
            document is not None and introspection_only(document),
            hashlib.sha256(_utf8(form)).digest(),
        )
        self._verdicts[key] = verdict
        if len(self._verdicts) > MAX_REMEMBERED:
            self._verdicts.popitem(last=False)
        return verdict

    def _report(self, query: str, verdict: _Verdict | None) -> None:
        """One warning per distinct unknown document (by its compared form), in bounded
        memory: the last ``MAX_REMEMBERED`` are remembered."""
        form = verdict.form if verdict is not None else self._verdict(query, None).form
        if form in self._reported:
            self._reported.move_to_end(form)
            return
        self._reported[form] = None
        if len(self._reported) > MAX_REMEMBERED:
            self._reported.popitem(last=False)
        self.unknown += 1
        shown = query
        if len(query) > MAX_LOGGED_CHARS:
            shown = f"{query[:MAX_LOGGED_CHARS]}… ({len(query)} characters)"
        log.warning("unknown operation (not in %s): %s", self.policy.manifest, shown)

    def health(self) -> dict[str, Any] | None:
        return {
            "operations": len(self.manifest.operations),
            "by_id": self.by_id,
            "refused": self.refused,
            "unknown": self.unknown,
        }
