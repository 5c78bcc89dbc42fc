"""Persisted operations over HTTP: Apollo's automatic persisted queries (in memory, shared by two
gateways through a real Redis, and with Redis down) and persisted-operation manifests (Apollo's
and Relay's formats; allow, log, enforce and require_id).

Expected bodies are the reference implementations', each cited where it is used:
- Apollo Server 5.5.1 (``scripts/reference/node_modules/@apollo/server/src/requestPipeline.ts``
  and ``internalErrorClasses.ts``), also run side by side at the end of this file;
- Apollo Router ``apollo-router/src/services/layers/apq/mod.rs`` (APQ) and
  ``apollo-router/src/services/layers/persisted_queries/mod.rs`` (manifests; HTTP statuses from
  router PR #4887, ``.changesets/fix_glasser_pq_error_status_codes.md``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from hansa.demo.accounts import accounts
from hansa.demo.products import products
from hansa.demo.reviews import reviews
from hansa.pipeline import Plugin
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.plugins.persisted_queries import (
    ApqPolicy,
    AutomaticPersistedQueries,
    PersistedQueries,
    PersistedQueriesPolicy,
)
from tests.support.federation import federation
from tests.support.http import Response, free_port, request
from tests.support.services import redis_url

ME = "{ me { name } }"
ME_ANSWER = {"data": {"me": {"name": "Ada Lovelace"}}}
TOP = "query Top { topProducts(first: 1) { name } }"
TOP_ANSWER = {"data": {"topProducts": [{"name": "Table"}]}}
NO_CACHE = "private, no-cache, must-revalidate"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def pq(digest: Any, version: Any = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def post(
    url: str,
    query: str | None = None,
    extensions: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    payload: dict[str, Any] = {}
    if query is not None:
        payload["query"] = query
    if extensions is not None:
        payload["extensions"] = extensions
    all_headers = {"content-type": "application/json", **(headers or {})}
    return request(url, body=json.dumps(payload).encode(), headers=all_headers)


def get(url: str, params: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    csrf = {"apollo-require-preflight": "true"} if headers is None else headers
    return request(f"{url}?{urlencode(encoded)}", method="GET", headers=csrf)


def error(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


# Apollo Server (PersistedQueryNotFoundError) and Router (apq/mod.rs) agree: 200, this body, and
# a cache-control that keeps the miss from being cached.
NOT_FOUND = error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
# Same in both; Apollo Server also sends the no-cache header, Router does not.
NOT_SUPPORTED = error("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
# Router (apq/mod.rs, PR #3128): HTTP 400 with this code; Apollo Server words it the same.
MISMATCH = error("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")


def _apq(**policy: Any) -> dict[str, Any]:
    """The gateway settings for APQ with ``policy`` (the plugin is built in)."""
    return {"apq": ApqPolicy(**policy)}


# --------------------------------------------------------------------------------------------
# Automatic persisted queries


def test_apq_round_trip_hash_then_hash_and_query_then_hash() -> None:
    with federation(accounts, **_apq()) as url:
        miss = post(url, extensions=pq(sha256(ME)))
        registered = post(url, ME, pq(sha256(ME)))
        hit = post(url, extensions=pq(sha256(ME)))
    assert (miss.status, miss.json_without_request_ids()) == (200, NOT_FOUND)
    assert miss.headers["cache-control"] == NO_CACHE
    assert (registered.status, registered.json()) == (200, ME_ANSWER)
    assert (hit.status, hit.json()) == (200, ME_ANSWER)
    assert "cache-control" not in hit.headers  # Router: not tampered with on a hit


def test_apq_over_get_and_csrf_still_applies() -> None:
    """Apollo clients send hashed queries as GET; the extension arrives in the URL. CSRF runs
    first: a GET without a preflight-forcing header is refused before any lookup."""
    digest = sha256(TOP)
    extensions = pq(digest)
    with federation(accounts, products, reviews, **_apq()) as url:
        unguarded = get(url, {"extensions": extensions}, headers={})
        miss = get(url, {"extensions": extensions, "operationName": "Top"})
        registered = get(url, {"query": TOP, "extensions": extensions})
        hit = get(url, {"extensions": extensions, "operationName": "Top"})
    assert unguarded.status == 400
    assert unguarded.json()["errors"][0]["extensions"]["code"] == "CSRF_ERROR"
    assert (miss.status, miss.json_without_request_ids()) == (200, NOT_FOUND)
    assert (registered.status, registered.json()) == (200, TOP_ANSWER)
    assert (hit.status, hit.json()) == (200, TOP_ANSWER)


def test_a_mismatched_hash_is_400_and_registers_nothing() -> None:
    """Router's it_doesnt_update_the_cache_if_the_hash_is_not_valid: the wrong hash with a
    document is refused (not run), and asking by that hash still misses."""
    wrong = sha256("{ users { id } }")
    with federation(accounts, **_apq()) as url:
        refused = post(url, ME, pq(wrong))
        still_missing = post(url, extensions=pq(wrong))
        upper = post(url, ME, pq(sha256(ME).upper()))  # Router compares decoded bytes
        by_lower = post(url, extensions=pq(sha256(ME)))
    assert (refused.status, refused.json_without_request_ids()) == (400, MISMATCH)
    assert (still_missing.status, still_missing.json_without_request_ids()) == (200, NOT_FOUND)
    assert (upper.status, upper.json()) == (200, ME_ANSWER)
    assert (by_lower.status, by_lower.json()) == (200, ME_ANSWER)


BAD_SHAPE = "The 'persistedQuery' extension must be an object with 'version' and 'sha256Hash'."
BAD_HASH = "The 'persistedQuery' extension's 'sha256Hash' must be a string."
# Apollo Server's message for any version but 1 (its code there defaults to
# INTERNAL_SERVER_ERROR; ours is BAD_REQUEST, like every malformed request parameter).
BAD_VERSION = "Unsupported persisted query version"


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ("not an object", BAD_SHAPE),
        ([1, "abc"], BAD_SHAPE),
        (7, BAD_SHAPE),
        ({"sha256Hash": sha256(ME)}, BAD_VERSION),
        ({"version": 2, "sha256Hash": sha256(ME)}, BAD_VERSION),
        ({"version": "1", "sha256Hash": sha256(ME)}, BAD_VERSION),
        ({"version": True, "sha256Hash": sha256(ME)}, BAD_VERSION),
        ({"version": 1}, BAD_HASH),
        ({"version": 1, "sha256Hash": 12345}, BAD_HASH),
        ({"version": 1, "sha256Hash": None}, BAD_HASH),
    ],
)
def test_malformed_extensions_get_a_coded_400(extension: Any, message: str) -> None:
    with federation(accounts, **_apq()) as url:
        alone = post(url, extensions={"persistedQuery": extension})
        with_query = post(url, ME, {"persistedQuery": extension})
    for answer in (alone, with_query):
        assert answer.status == 400
        assert answer.json_without_request_ids() == error(message, "BAD_REQUEST")


def test_hashes_that_are_not_sha256_never_match() -> None:
    """As in Apollo Server: such a hash is never found, and never matches a document (not
    looked up at all, so a megabyte of "hash" costs nothing)."""
    with federation(accounts, **_apq()) as url:
        short = post(url, extensions=pq("abc"))
        huge = post(url, extensions=pq("aa" * 500_000))
        registered = post(url, ME, pq("abc"))
    assert (short.status, short.json_without_request_ids()) == (200, NOT_FOUND)
    assert (huge.status, huge.json_without_request_ids()) == (200, NOT_FOUND)
    assert (registered.status, registered.json_without_request_ids()) == (400, MISMATCH)


def test_a_null_persisted_query_is_no_persisted_query() -> None:
    """Apollo Server tests ``extensions?.persistedQuery`` for truthiness: null is not APQ."""
    with federation(accounts, **_apq()) as url:
        plain = post(url, ME, {"persistedQuery": None, "other": 1})
        nothing = post(url, extensions={"persistedQuery": None})
    assert (plain.status, plain.json()) == (200, ME_ANSWER)
    assert nothing.status == 400
    assert nothing.json_without_request_ids() == error(
        "GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.",
        "BAD_REQUEST",
    )


def test_disabled_apq_refuses_every_request_with_the_extension() -> None:
    """Router's return_not_supported_when_disabled: hash only and hash with the document are
    both PERSISTED_QUERY_NOT_SUPPORTED (200); a plain query runs."""
    with federation(accounts, **_apq(enabled=False)) as url:
        alone = post(url, extensions=pq(sha256(ME)))
        with_query = post(url, ME, pq(sha256(ME)))
        malformed = post(url, ME, {"persistedQuery": "x"})
        plain = post(url, ME)
    for answer in (alone, with_query, malformed):
        assert (answer.status, answer.json_without_request_ids()) == (200, NOT_SUPPORTED)
    assert (plain.status, plain.json()) == (200, ME_ANSWER)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    import redis

    url = redis_url()
    prefix = f"hansa-test:apq:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def test_two_gateways_share_registrations_through_redis(redis_prefix: str) -> None:
    import redis

    url = redis_url()
    policy = {"redis_url": url, "redis_prefix": redis_prefix}
    digest = sha256(TOP)
    with (
        federation(accounts, products, reviews, **_apq(**policy)) as one,
        federation(accounts, products, reviews, **_apq(**policy)) as two,
    ):
        missing_on_two = post(two, extensions=pq(digest))
        registered_on_one = post(one, TOP, pq(digest))
        hit_on_two = post(two, extensions=pq(digest))
    assert (missing_on_two.status, missing_on_two.json_without_request_ids()) == (200, NOT_FOUND)
    assert (registered_on_one.status, registered_on_one.json()) == (200, TOP_ANSWER)
    assert (hit_on_two.status, hit_on_two.json()) == (200, TOP_ANSWER)
    client = redis.Redis.from_url(url)
    try:
        assert client.get(redis_prefix + digest) == TOP.encode()
        assert 86_000_000 < client.pttl(redis_prefix + digest) <= 86_400_000  # a day by default
    finally:
        client.close()


def test_a_document_in_redis_that_is_not_the_hash_s_is_not_served(redis_prefix: str) -> None:
    import redis

    url = redis_url()
    digest = sha256(ME)
    client = redis.Redis.from_url(url)
    try:
        client.set(redis_prefix + digest, b"{ users { name } }")
    finally:
        client.close()
    with federation(accounts, **_apq(redis_url=url, redis_prefix=redis_prefix)) as gw:
        answer = post(gw, extensions=pq(digest))
    assert (answer.status, answer.json_without_request_ids()) == (200, NOT_FOUND)


def test_redis_down_is_a_miss_and_full_queries_still_run() -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    with federation(accounts, **_apq(redis_url=down)) as url:
        miss = post(url, extensions=pq(sha256(ME)))
        registered = post(url, ME, pq(sha256(ME)))
        hit = post(url, extensions=pq(sha256(ME)))  # from this instance's memory
        ready = request(url.removesuffix("/graphql") + "/health/ready", method="GET")
    assert (miss.status, miss.json_without_request_ids()) == (200, NOT_FOUND)
    assert (registered.status, registered.json()) == (200, ME_ANSWER)
    assert (hit.status, hit.json()) == (200, ME_ANSWER)
    assert ready.status == 200  # APQ never takes the gateway out of rotation
    assert ready.json()["apq"]["redis"] == "down"


def test_apq_policy_errors() -> None:
    with pytest.raises(ValueError, match="ttl_secs 0: must be more than 0 seconds"):
        AutomaticPersistedQueries(ApqPolicy(ttl_secs=0))
    with pytest.raises(ValueError, match="max_bytes -1: must be more than 0"):
        AutomaticPersistedQueries(ApqPolicy(max_bytes=-1))


# --------------------------------------------------------------------------------------------
# Persisted-operation manifests

LISTED_ME = "query Me { me { name } }"
LISTED_TOP = "query Top { topProducts(first: 1) { ...P } }\nfragment P on Product { name }"
UNLISTED = "{ users { name } }"


def apollo_manifest(tmp_path: Path, *extra: dict[str, Any]) -> str:
    """Apollo's format, ids the SHA-256 of the body as Apollo's generators make them."""
    operations = [
        {"id": sha256(LISTED_ME), "name": "Me", "type": "query", "body": LISTED_ME},
        {"id": sha256(LISTED_TOP), "name": "Top", "type": "query", "body": LISTED_TOP},
        *extra,
    ]
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path = tmp_path / "persisted-query-manifest.json"
    path.write_text(json.dumps(manifest))
    return str(path)


def relay_manifest(tmp_path: Path) -> str:
    path = tmp_path / "persisted-queries.json"
    path.write_text(json.dumps({"me-1": LISTED_ME, "top-1": LISTED_TOP}))
    return str(path)


def _pq(manifest: str, mode: Any, **kwargs: Any) -> dict[str, Any]:
    """The gateway settings for a safelist (APQ off and introspection off unless asked)."""
    apq = kwargs.pop("apq", False)
    introspection = kwargs.pop("introspection", False)
    return {
        "persisted_queries": PersistedQueriesPolicy(manifest, mode, **kwargs),
        "apq": ApqPolicy(enabled=apq),
        "introspection": introspection,
    }


def _plugin(options: dict[str, Any]) -> PersistedQueries:
    """The plugin those settings make, for looking inside it."""
    return PersistedQueries(
        options["persisted_queries"],
        apq=options["apq"].enabled,
        introspection=options["introspection"],
    )


def not_in_list(op_id: str) -> dict[str, Any]:
    # Router persisted_queries/mod.rs, graphql_err_operation_not_found; 404 since PR #4887.
    return error(
        f"Persisted query '{op_id}' not found in the persisted query list",
        "PERSISTED_QUERY_NOT_IN_LIST",
    )


# Router persisted_queries/mod.rs: QUERY_NOT_IN_SAFELIST (403), PERSISTED_QUERY_ID_REQUIRED
# (400, the only one left cacheable) and CANNOT_SEND_PQ_ID_AND_BODY (400).
NOT_IN_SAFELIST = error(
    "The operation body was not found in the persisted query safelist", "QUERY_NOT_IN_SAFELIST"
)
ID_REQUIRED = error(
    "This endpoint does not allow freeform GraphQL requests; operations must be sent by ID in"
    " the persisted queries GraphQL extension.",
    "PERSISTED_QUERY_ID_REQUIRED",
)
ID_AND_BODY = error(
    "Sending a persisted query ID and a body in the same request is disallowed",
    "CANNOT_SEND_PQ_ID_AND_BODY",
)
ME_LISTED_ANSWER = {"data": {"me": {"name": "Ada Lovelace"}}}


@pytest.mark.parametrize("form", ["apollo", "relay"])
def test_operations_by_id_from_either_manifest_format(tmp_path: Path, form: str) -> None:
    manifest = apollo_manifest(tmp_path) if form == "apollo" else relay_manifest(tmp_path)
    me_id, top_id = (
        (sha256(LISTED_ME), sha256(LISTED_TOP)) if form == "apollo" else ("me-1", "top-1")
    )
    plugin = _pq(manifest, "allow")
    assert _plugin(plugin).manifest.format == form
    with federation(accounts, products, reviews, **plugin) as url:
        me = post(url, extensions=pq(me_id))
        top = get(url, {"extensions": pq(top_id)})
        unknown = post(url, extensions=pq("nope"))
        free_form = post(url, UNLISTED)
    assert (me.status, me.json()) == (200, ME_LISTED_ANSWER)
    assert (top.status, top.json()) == (200, TOP_ANSWER)
    assert (unknown.status, unknown.json_without_request_ids()) == (404, not_in_list("nope"))
    assert unknown.headers["cache-control"] == NO_CACHE
    assert free_form.status == 200


def test_client_names_pick_their_own_operation(tmp_path: Path) -> None:
    """Router: an operation with a clientName runs for that client only; others get the
    operation listed under the id without a client name."""
    web = {"id": "shared", "body": "{ me { username } }", "clientName": "web"}
    anyone = {"id": "shared", "body": LISTED_ME}
    manifest = apollo_manifest(tmp_path, web, anyone)
    with federation(accounts, **_pq(manifest, "enforce")) as url:
        as_web = post(url, extensions=pq("shared"), headers={"apollographql-client-name": "web"})
        as_ios = post(url, extensions=pq("shared"), headers={"apollographql-client-name": "ios"})
        unnamed = post(url, extensions=pq("shared"))
    assert as_web.json() == {"data": {"me": {"username": "@ada"}}}
    assert as_ios.json() == ME_LISTED_ANSWER
    assert unnamed.json() == ME_LISTED_ANSWER


def test_log_mode_runs_unknown_documents_and_reports_each_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hansa.persisted_queries")
    with federation(accounts, **_pq(apollo_manifest(tmp_path), "log")) as url:
        answers = [
            post(url, UNLISTED),
            post(url, UNLISTED),
            post(url, "# the same, laid out differently\n{users{name}}"),
            post(url, "{ users { id } }"),
            post(url, LISTED_ME),
            post(url, "query  Me {me{name}}"),  # listed, once normalized
        ]
    assert [a.status for a in answers] == [200] * 6
    assert answers[0].json() == {
        "data": {"users": [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]}
    }
    reported = [r.getMessage() for r in caplog.records if r.name == "hansa.persisted_queries"]
    assert len(reported) == 2, reported
    assert reported[0].startswith("unknown operation (not in ")
    assert reported[0].endswith(UNLISTED)
    assert reported[1].endswith("{ users { id } }")


def test_enforce_runs_listed_documents_only(tmp_path: Path) -> None:
    """Router's normalization (freeform_graphql_behavior.rs safelist_body_normalization):
    ignored tokens and top-level definition order do not count; field order does."""
    with federation(
        accounts, products, reviews, **_pq(apollo_manifest(tmp_path), "enforce")
    ) as url:
        exact = post(url, LISTED_TOP)
        reordered = post(url, "fragment P on Product{name},query Top{topProducts(first:1){...P}}")
        by_id = post(url, extensions=pq(sha256(LISTED_ME)))
        unlisted = post(url, UNLISTED)
        fields_swapped = post(url, "query Me { me { name username } }")
        garbage = post(url, "}}} not graphql")
        id_and_body = post(url, LISTED_ME, pq(sha256(LISTED_ME)))
        introspection = post(url, "{ __schema { queryType { name } } }")
    assert (exact.status, exact.json()) == (200, TOP_ANSWER)
    assert (reordered.status, reordered.json()) == (200, TOP_ANSWER)
    assert (by_id.status, by_id.json()) == (200, ME_LISTED_ANSWER)
    for refused in (unlisted, fields_swapped, garbage, introspection):
        assert (refused.status, refused.json_without_request_ids()) == (403, NOT_IN_SAFELIST)
        assert refused.headers["cache-control"] == NO_CACHE
    assert (id_and_body.status, id_and_body.json_without_request_ids()) == (400, ID_AND_BODY)


def test_enforce_lets_introspection_through_when_the_gateway_serves_it(tmp_path: Path) -> None:
    """Router allows documents made only of introspection fields when introspection is on."""
    plugin = _pq(apollo_manifest(tmp_path), "enforce", introspection=True)
    with federation(accounts, **plugin) as url:
        schema = post(url, "{ __schema { queryType { name } } }")
        typename = post(url, "query { ...F } fragment F on Query { __typename }")
        mixed = post(url, "{ __typename me { name } }")
    assert schema.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert typename.json() == {"data": {"__typename": "Query"}}
    assert (mixed.status, mixed.json_without_request_ids()) == (403, NOT_IN_SAFELIST)


def test_require_id_refuses_every_free_form_document(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hansa.persisted_queries")
    plugin = _pq(apollo_manifest(tmp_path), "enforce", require_id=True)
    with federation(accounts, **plugin) as url:
        listed_in_full = post(url, LISTED_ME)
        by_id = post(url, extensions=pq(sha256(LISTED_ME)))
        unknown_id = post(url, extensions=pq(sha256(UNLISTED)))
    assert (listed_in_full.status, listed_in_full.json_without_request_ids()) == (400, ID_REQUIRED)
    assert "cache-control" not in listed_in_full.headers  # Router: ErrorCacheStrategy::Cache
    assert (by_id.status, by_id.json()) == (200, ME_LISTED_ANSWER)
    assert unknown_id.status == 404
    assert unknown_id.json_without_request_ids() == not_in_list(sha256(UNLISTED))
    # log_unknown (on by default): Router logs what require_id refuses, listed or not.
    assert any(LISTED_ME in r.getMessage() for r in caplog.records)


def test_without_safelisting_apq_handles_what_the_manifest_lacks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Router: with APQ on and no safelist, an id not in the manifest is left to APQ
    (PERSISTED_QUERY_NOT_FOUND, then registration), and log mode still reports the document
    APQ resolved."""
    caplog.set_level(logging.WARNING, logger="hansa.persisted_queries")
    options = _pq(apollo_manifest(tmp_path), "log", apq=True)
    digest = sha256(UNLISTED)
    with federation(accounts, **options) as url:
        listed = post(url, extensions=pq(sha256(LISTED_ME)))
        miss = post(url, extensions=pq(digest))
        registered = post(url, UNLISTED, pq(digest))
        hit = post(url, extensions=pq(digest))
    assert (listed.status, listed.json()) == (200, ME_LISTED_ANSWER)
    assert (miss.status, miss.json_without_request_ids()) == (200, NOT_FOUND)
    assert registered.status == hit.status == 200
    assert hit.json() == registered.json()
    reported = [r.getMessage() for r in caplog.records if r.name == "hansa.persisted_queries"]
    assert len(reported) == 1 and reported[0].endswith(UNLISTED)


def test_with_safelisting_apq_cannot_add_to_the_list(tmp_path: Path) -> None:
    """Router: APQ must be off with a safelist; an APQ registration is refused like any id sent
    with a document, and the hash is then not in the list."""
    options = _pq(apollo_manifest(tmp_path), "enforce", apq=True)
    digest = sha256(UNLISTED)
    with federation(accounts, **options) as url:
        registration = post(url, UNLISTED, pq(digest))
        by_hash = post(url, extensions=pq(digest))
    assert (registration.status, registration.json_without_request_ids()) == (400, ID_AND_BODY)
    assert (by_hash.status, by_hash.json_without_request_ids()) == (404, not_in_list(digest))


class _SwapsTheDocument(Plugin):
    """A later plugin that replaces the document after the safelist looked at it."""

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        context.query = UNLISTED
        return None


def test_no_plugin_order_runs_an_unlisted_document(tmp_path: Path) -> None:
    manifest = apollo_manifest(tmp_path)
    digest = sha256(UNLISTED)
    # The built-in APQ (on by default) runs before a safelist added as a user plugin.
    after_apq = PersistedQueries(PersistedQueriesPolicy(manifest, "enforce"))
    with federation(accounts, plugins=[after_apq]) as url:
        registration = post(url, UNLISTED, pq(digest))
        by_hash = post(url, extensions=pq(digest))
    with federation(accounts, plugins=[_SwapsTheDocument()], **_pq(manifest, "enforce")) as url:
        swapped = post(url, LISTED_ME)
    assert (registration.status, registration.json_without_request_ids()) == (400, ID_AND_BODY)
    assert (by_hash.status, by_hash.json_without_request_ids()) == (400, ID_AND_BODY)
    assert (swapped.status, swapped.json_without_request_ids()) == (403, NOT_IN_SAFELIST)


def test_malformed_extensions_are_refused_by_the_manifest_plugin_too(tmp_path: Path) -> None:
    with federation(accounts, **_pq(apollo_manifest(tmp_path), "enforce")) as url:
        answer = post(url, extensions={"persistedQuery": {"version": 1, "sha256Hash": ["x"]}})
    assert answer.status == 400
    assert answer.json_without_request_ids() == error(BAD_HASH, "BAD_REQUEST")


def _write(tmp_path: Path, content: Any) -> str:
    path = tmp_path / "manifest.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _apollo(*operations: Any, **top: Any) -> dict[str, Any]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": list(operations),
        **top,
    }


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            "{ not json",
            "not valid JSON: Expecting property name enclosed in double quotes at line 1",
        ),
        ([LISTED_ME], "expected Apollo's"),
        ({"a": LISTED_ME, "b": 3}, "expected Apollo's"),
        ('{"a": "{ me { id } }", "a": "{ me { name } }"}', "id 'a' appears twice with different"),
        ({"": LISTED_ME}, "an operation has an empty id"),
        (_apollo(format="relay"), "format 'relay' is not 'apollo-persisted-query-manifest'"),
        ({"operations": []}, "format None is not 'apollo-persisted-query-manifest'"),
        (_apollo(version=2), "version 2 is not supported"),
        (_apollo(operations={"x": LISTED_ME}), "'operations' must be a list"),
        (_apollo("x"), r"operations\[0\] must be an object"),
        (_apollo({"body": LISTED_ME}), r"operations\[0\]: 'id' must be a non-empty string"),
        (_apollo({"id": "x", "body": None}), r"operations\[0\] \('x'\): 'body' must be a string"),
        (_apollo({"id": "x", "body": LISTED_ME, "clientName": 1}), "'clientName' must be"),
        (
            _apollo({"id": "x", "body": LISTED_ME}, {"id": "x", "body": UNLISTED}),
            "operation id 'x' appears twice with different bodies",
        ),
    ],
)
def test_manifest_problems_are_refused_at_start(tmp_path: Path, content: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as raised:
        _plugin(_pq(_write(tmp_path, content), "enforce"))
    assert str(raised.value).startswith(f"persisted query manifest {tmp_path}")


def test_a_missing_manifest_and_wrong_modes_are_refused(tmp_path: Path) -> None:
    missing = str(tmp_path / "absent.json")
    with pytest.raises(ValueError, match=f"manifest {missing}: cannot read it: No such file"):
        _plugin(_pq(missing, "log"))
    manifest = apollo_manifest(tmp_path)
    with pytest.raises(ValueError, match="mode 'strict': expected 'allow', 'log' or 'enforce'"):
        _plugin(_pq(manifest, "strict"))
    with pytest.raises(ValueError, match="require_id needs mode = 'enforce'"):
        _plugin(_pq(manifest, "log", require_id=True))


def test_repeated_ids_with_one_body_and_unparsable_bodies_are_accepted(tmp_path: Path) -> None:
    """Router keeps a body that does not parse as a byte-for-byte safelist entry."""
    same = {"id": "x", "body": LISTED_ME}
    manifest = _write(tmp_path, _apollo(same, same, {"id": "y", "body": "}}}"}))
    plugin = _pq(manifest, "enforce")
    assert _plugin(plugin).lookup("x", None) == LISTED_ME
    with federation(accounts, **plugin) as url:
        exact = post(url, "}}}")
        different = post(url, "}}}}")
    assert exact.status == 400  # listed, so it reaches the parser, which refuses it
    assert exact.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert (different.status, different.json_without_request_ids()) == (403, NOT_IN_SAFELIST)


# --------------------------------------------------------------------------------------------
# Side by side with Apollo Server (Apollo Gateway on Apollo Server 5, APQ on by default)


def test_apq_answers_match_apollo_server() -> None:
    from hansa.demo import SUBGRAPHS
    from hansa.http.serve import serving
    from tests.support import reference

    if not reference.available():
        pytest.skip("run `make reference` first")
    supergraph = Path(__file__).resolve().parents[2] / "src/hansa/demo/supergraph.graphql"
    digest = sha256(TOP)
    with serving(*(sg.asgi_app() for sg in SUBGRAPHS)) as urls:
        overrides = {sg.name: f"{u}/graphql" for sg, u in zip(SUBGRAPHS, urls, strict=True)}
        with (
            reference.apollo_gateway(supergraph, overrides) as apollo,
            federation(accounts, products, reviews, **_apq()) as hansa,
        ):
            answers = {
                name: [
                    post(url, extensions=pq(digest)),
                    post(url, TOP, pq(sha256(ME))),
                    post(url, TOP, pq(digest, version=2)),
                    post(url, TOP, pq(digest)),
                    post(url, extensions=pq(digest)),
                ]
                for name, url in (("apollo", apollo), ("hansa", hansa))
            }
    apollo_answers, hansa_answers = answers["apollo"], answers["hansa"]
    # Not found: the same status, body and no-cache header.
    assert apollo_answers[0].status == hansa_answers[0].status == 200
    assert apollo_answers[0].json() == NOT_FOUND == hansa_answers[0].json_without_request_ids()
    assert apollo_answers[0].headers["cache-control"] == hansa_answers[0].headers["cache-control"]
    # A mismatch and an unknown version: the same status and message (codes differ: Apollo
    # Server leaves them to default to INTERNAL_SERVER_ERROR; see docs/persisted-queries.md).
    for index in (1, 2):
        assert apollo_answers[index].status == hansa_answers[index].status == 400
        apollo_message = apollo_answers[index].json()["errors"][0]["message"]
        assert apollo_message == hansa_answers[index].json()["errors"][0]["message"]
        assert apollo_answers[index].json()["errors"][0]["extensions"]["code"] == (
            "INTERNAL_SERVER_ERROR"
        )
    # Registration, then the hash alone: the same answers.
    for index in (3, 4):
        assert apollo_answers[index].json() == hansa_answers[index].json() == TOP_ANSWER
