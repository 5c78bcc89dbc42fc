"""The registry through its HTTP API, on SQLite and PostgreSQL: publish, refusals, tokens,
supergraph delivery with ETags, compose by version set, history, rollback, promote, canary."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hansa.demo import SUBGRAPHS
from hansa.registry.signing import verify
from hansa.supergraph import read_supergraph
from tests.registry.conftest import ADMIN, Client

SDL = {sg.name: sg.sdl for sg in SUBGRAPHS}
# A second, non-shareable owner of Product.name: Apollo's INVALID_FIELD_SHARING.
CLASH = SDL["accounts"] + '\ntype Product @key(fields: "upc") { upc: String! name: String }\n'


def publish_demo(registry: Client, version: str = "v1") -> None:
    for name, sdl in SDL.items():
        answer = registry.publish(name, version, sdl)
        assert answer.status == 201, answer.body


def test_publishing_composes_and_the_variant_moves_on(registry: Client) -> None:
    first = registry.publish("accounts", "a1", SDL["accounts"])
    assert first.status == 201
    assert first.json()["composition"]["number"] == 1
    publish_demo(registry)
    served = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()
    assert served["current"]["number"] == 4
    assert set(served["current"]["members"]) == {"accounts", "products", "reviews"}
    # The served SDL is a supergraph the gateway loads, with every subgraph joined.
    supergraph = read_supergraph(served["current"]["supergraph_sdl"])
    assert set(supergraph.subgraphs) == {"accounts", "products", "reviews"}


def test_a_publish_that_would_not_compose_is_refused_and_changes_nothing(registry: Client) -> None:
    publish_demo(registry)
    # A second owner of Product.name without @shareable: Apollo's INVALID_FIELD_SHARING.
    refused = registry.publish("accounts", "v2", CLASH)
    assert refused.status == 422
    error = refused.json()["error"]
    assert error["code"] == "COMPOSITION_FAILED"
    assert any(e["code"] == "INVALID_FIELD_SHARING" for e in error["errors"])
    served = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()
    assert served["current"]["number"] == 3
    events = registry.call("GET", "/events?graph=shop").json()["events"]
    assert events[0]["kind"] == "publish_refused"
    # --force records it; gateways keep the last valid supergraph.
    forced = registry.publish("accounts", "v2", CLASH, force=True)
    assert forced.status == 201
    assert forced.json()["composition"]["valid"] is False
    served = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()
    assert served["current"]["number"] == 3


def test_versions_are_immutable_and_republishing_is_idempotent(registry: Client) -> None:
    publish_demo(registry)
    again = registry.publish("accounts", "v1", SDL["accounts"])
    assert again.status == 200
    assert again.json() == {"created": False, "composition": again.json()["composition"]}
    assert again.json()["composition"]["number"] == 3
    changed = registry.publish("accounts", "v1", SDL["accounts"] + "\n# changed\n")
    assert changed.status == 409
    assert changed.json()["error"]["code"] == "VERSION_EXISTS"


def test_tokens_are_checked_and_scoped(registry: Client) -> None:
    publish_demo(registry)
    assert registry.call("GET", "/graphs", token=None).status == 401
    assert (
        registry.call("GET", "/graphs", token="nope").json()["error"]["code"] == "UNAUTHENTICATED"
    )
    made = registry.call("POST", "/tokens", {"name": "gw", "role": "read", "graph": "shop"})
    assert made.status == 201
    read = made.json()["token"]
    assert registry.call("GET", "/graphs/shop/variants/prod/supergraph", token=read).status == 200
    refused = registry.publish("accounts", "v9", SDL["accounts"], token=read)
    assert refused.status == 403
    assert refused.json()["error"]["code"] == "FORBIDDEN"
    other = registry.call("GET", "/graphs/other/variants/prod/supergraph", token=read)
    assert other.status == 403
    scoped = registry.call(
        "POST",
        "/tokens",
        {"name": "ci", "role": "publish", "graph": "shop", "subgraph": "accounts"},
    ).json()["token"]
    assert registry.publish("accounts", "v2", SDL["accounts"], token=scoped).status == 201
    assert registry.publish("products", "v2", SDL["products"], token=scoped).status == 403
    # Only digests are stored: the listing never shows a secret.
    listing = (
        registry.call("GET", "/tokens").text
        if hasattr(Client, "text")
        else registry.call("GET", "/tokens").body.decode()
    )
    assert read not in listing and ADMIN not in listing
    assert registry.call("DELETE", "/tokens/gw").status == 200
    assert registry.call("GET", "/graphs", token=read).status == 401


def test_the_supergraph_is_signed_and_answers_304_when_unchanged(registry: Client) -> None:
    publish_demo(registry)
    answer = registry.call("GET", "/graphs/shop/variants/prod/supergraph")
    etag = answer.headers["etag"]
    current = answer.json()["current"]
    key = registry.call("GET", "/signing-key").json()["public_key"]
    verify(key, current["signature"], "shop", "prod", current["number"], current["supergraph_sdl"])
    unchanged = registry.call("GET", "/graphs/shop/variants/prod/supergraph")
    assert unchanged.headers["etag"] == etag
    conditional = Client(registry.url)
    response = conditional.call("GET", "/graphs/shop/variants/prod/supergraph")
    assert response.status == 200
    from tests.support.http import request

    not_modified = request(
        registry.url + "/graphs/shop/variants/prod/supergraph",
        method="GET",
        headers={"authorization": f"Bearer {ADMIN}", "if-none-match": etag},
    )
    assert not_modified.status == 304
    registry.publish("accounts", "v2", SDL["accounts"] + "\nextend type Query { ping: String }\n")
    moved = request(
        registry.url + "/graphs/shop/variants/prod/supergraph",
        method="GET",
        headers={"authorization": f"Bearer {ADMIN}", "if-none-match": etag},
    )
    assert moved.status == 200 and moved.headers["etag"] != etag


def test_compose_by_version_set_falls_back_to_the_last_valid_composition(registry: Client) -> None:
    publish_demo(registry)
    registry.publish("accounts", "bad", CLASH, force=True)
    ok = registry.call(
        "POST",
        "/graphs/shop/compose",
        {"services": [{"name": n, "version": "v1"} for n in SDL]},
    ).json()
    assert ok["composed"] is True
    read_supergraph(ok["supergraph_sdl"])
    services = [
        {"name": "accounts", "version": "bad"},
        {"name": "products", "version": "v1"},
        {"name": "reviews", "version": "v1"},
    ]
    fell_back = registry.call(
        "POST", "/graphs/shop/compose", {"services": services, "variant": "prod"}
    ).json()
    assert fell_back["composed"] is False
    assert fell_back["fallback"]["number"] == 3
    assert any(e["code"] == "INVALID_FIELD_SHARING" for e in fell_back["errors"])
    unknown = registry.call(
        "POST", "/graphs/shop/compose", {"services": [{"name": "accounts", "version": "zzz"}]}
    ).json()
    assert unknown["composed"] is False and unknown["errors"][0]["code"] == "UNKNOWN_VERSION"


def test_history_rollback_and_promote(registry: Client) -> None:
    publish_demo(registry)
    added = SDL["accounts"] + "\nextend type Query { ping: String }\n"
    assert registry.publish("accounts", "v2", added).json()["composition"]["number"] == 4
    history = registry.call("GET", "/graphs/shop/variants/prod/history").json()
    assert [c["number"] for c in history["compositions"]] == [4, 3, 2, 1]
    assert history["current"] == 4
    assert [e["kind"] for e in history["events"]][:4] == ["publish"] * 4
    diff = registry.call("GET", "/graphs/shop/variants/prod/diff").json()
    assert (diff["from"], diff["to"]) == (3, 4)
    assert any(c["coordinate"] == "Query.ping" and c["severity"] == "safe" for c in diff["changes"])
    assert "+  ping: String" in diff["diff"]
    rolled = registry.call("POST", "/graphs/shop/variants/prod/rollback", {"to": 3}).json()
    assert rolled["composition"]["number"] == 5
    assert rolled["composition"]["reason"] == "rollback to 3"
    served = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()["current"]
    assert "ping" not in served["supergraph_sdl"]
    # A publish after a rollback builds on what was rolled back to.
    assert registry.publish("products", "v2", SDL["products"] + "\n").status == 201
    members = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()["current"][
        "members"
    ]
    assert members["accounts"]["version"] == "v1" and members["products"]["version"] == "v2"
    promoted = registry.call(
        "POST", "/graphs/shop/variants/staging/promote", {"from_variant": "prod"}
    ).json()
    assert promoted["composition"]["number"] == 1
    staging = registry.call("GET", "/graphs/shop/variants/staging/supergraph").json()["current"]
    assert staging["members"] == members
    assert registry.call("POST", "/graphs/shop/variants/prod/rollback", {"to": 99}).status == 404


def test_canary_and_its_kill_switch(registry: Client) -> None:
    publish_demo(registry)
    registry.publish("accounts", "v2", SDL["accounts"] + "\nextend type Query { ping: String }\n")
    registry.call("POST", "/graphs/shop/variants/prod/rollback", {"to": 3})
    body = {
        "composition": 4,
        "percent": 25,
        "allow": ["acme"],
        "deny": ["bank"],
        "key": "header:x-company",
    }
    assert registry.call("PUT", "/graphs/shop/variants/prod/canary", body).status == 200
    served = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()
    assert served["current"]["number"] == 5
    assert served["canary"]["composition"]["number"] == 4
    assert served["canary"]["percent"] == 25 and served["canary"]["key"] == "header:x-company"
    killed = registry.call("DELETE", "/graphs/shop/variants/prod/canary")
    assert killed.status == 200
    served_after = registry.call("GET", "/graphs/shop/variants/prod/supergraph")
    assert served_after.json()["canary"] is None
    assert served_after.headers["etag"] != served["etag"]
    bad = registry.call("PUT", "/graphs/shop/variants/prod/canary", {**body, "percent": 101})
    assert bad.status == 400


def test_concurrent_publishes_form_a_linear_history(registry: Client) -> None:
    """20 clients publish to one variant at once: every acknowledged publish is one
    composition, numbered 1..N without gaps, each built on the one before."""
    registry.publish("accounts", "base", SDL["accounts"])

    def publish(i: int) -> int:
        sdl = SDL["products"] + f"\nextend type Query {{ field{i}: String }}\n"
        answer = registry.publish("products", f"p{i}", sdl)
        assert answer.status == 201, answer.body
        return int(answer.json()["composition"]["number"])

    with ThreadPoolExecutor(20) as pool:
        numbers = sorted(pool.map(publish, range(20)))
    assert numbers == list(range(2, 22))
    history = registry.call("GET", "/graphs/shop/variants/prod/history?limit=100").json()
    compositions = sorted(history["compositions"], key=lambda c: c["number"])
    assert [c["number"] for c in compositions] == list(range(1, 22))
    seen_versions = [c["members"]["products"]["version"] for c in compositions[1:]]
    assert sorted(seen_versions) == sorted(f"p{i}" for i in range(20))  # none lost, none twice
    assert all(c["members"]["accounts"]["version"] == "base" for c in compositions)


def test_bad_requests_get_coded_answers(registry: Client) -> None:
    path = "/graphs/shop/variants/prod/subgraphs/accounts/versions"
    from tests.support.http import request

    garbage = request(
        registry.url + path, body=b"{not json", headers={"authorization": f"Bearer {ADMIN}"}
    )
    assert garbage.status == 400 and json.loads(garbage.body)["error"]["code"] == "BAD_REQUEST"
    missing = registry.call("POST", path, {"version": "x"})
    assert missing.status == 400 and "'url'" in missing.json()["error"]["message"]
    wrong_type = registry.call("POST", path, {"version": 3, "url": "u", "sdl": "s"})
    assert wrong_type.status == 400
    bad_name = registry.publish("bad%20name", "v1", "type Query { a: Int }")
    assert bad_name.status == 400
    nothing = registry.call("GET", "/graphs/none/variants/prod/supergraph")
    assert nothing.status == 404 and nothing.json()["error"]["code"] == "NOT_FOUND"


def test_every_route_is_in_the_openapi_document(registry: Client) -> None:
    document = registry.call("GET", "/openapi.json", token=None).json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert "post" in paths["/graphs/{graph}/variants/{variant}/subgraphs/{subgraph}/versions"]
    assert "get" in paths["/graphs/{graph}/variants/{variant}/supergraph"]
    assert paths["/graphs/{graph}/compose"]["post"]["requestBody"]["required"] is True
    assert all(op["summary"] for item in paths.values() for op in item.values())


def test_every_served_supergraph_is_published_to_the_directory(
    registry: Client, tmp_path: Path
) -> None:
    publish_demo(registry)
    published = tmp_path / "published" / "shop" / "prod"
    answer = json.loads((published / "supergraph.json").read_text())
    assert answer["current"]["number"] == 3
    assert sorted(p.name for p in (published / "compositions").iterdir()) == [
        "1.json",
        "2.json",
        "3.json",
    ]


def test_a_routing_url_with_quotes_survives_into_the_supergraph(registry: Client) -> None:
    """A URL is printed as a GraphQL string in @join__graph (escaped as graphql-js prints)."""
    url = 'http://127.0.0.1:1/graphql?q="x"&p=\\y'
    for name, sdl in SDL.items():
        assert registry.publish(name, "v1", sdl, url=url).status == 201
    sdl = registry.call("GET", "/graphs/shop/variants/prod/supergraph").json()["current"]
    supergraph = read_supergraph(sdl["supergraph_sdl"])
    assert {s.url for s in supergraph.subgraphs.values()} == {url}


def test_usage_reports_are_kept_one_per_day(registry: Client) -> None:
    def report(n: int, client: str) -> dict[str, object]:
        return {
            "from": "2099-01-01T00:00:00+00:00",
            "to": f"2099-01-01T00:0{n}:00+00:00",
            "operations": [{"hash": "h", "name": "Me", "client_name": client, "count": n}],
            "fields": {"User.name": n},
            "clients": {client: {"User.name": n}},
        }

    for n, client in ((1, "web"), (2, "ios"), (3, "web")):
        assert (
            registry.call("POST", "/graphs/shop/variants/prod/usage", report(n, client)).status
            == 202
        )
    # A day in the future is inside any window.
    reports = registry.call("GET", "/graphs/shop/variants/prod/usage?days=1").json()["reports"]
    assert len(reports) == 1
    assert reports[0]["fields"] == {"User.name": 6}
    assert reports[0]["clients"] == {"web": {"User.name": 4}, "ios": {"User.name": 2}}
    assert sorted(o["count"] for o in reports[0]["operations"]) == [2, 4]
    bad = registry.call("POST", "/graphs/shop/variants/prod/usage", {"fields": {}})
    assert bad.status == 400
    garbage = {"operations": [{"hash": "h", "count": "many"}], "fields": {"User.name": "x"}}
    refused = registry.call("POST", "/graphs/shop/variants/prod/usage", garbage)
    assert refused.status == 400 and "unreadable usage report" in refused.json()["error"]["message"]
