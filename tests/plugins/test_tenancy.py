"""Tenants over HTTP: resolved from a header or a verified token, checked against each other,
forwarded to subgraphs, and never sharing an answer: two tenants' identical concurrent queries
under inbound deduplication run as two executions with their own subgraph answers."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt

from hansa.plugins.jwt_auth import JwtPolicy
from hansa.plugins.tenancy import TenancyPolicy
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

SDL = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    "type Query { orders: [String!]! }"
)
SECRET = "tenancy-tests-secret-tenancy-tests-secret"
ORDERS = {"acme": ["acme-1", "acme-2"], "globex": ["globex-1"]}


def _shop(seen: list[str | None], delay: float = 0.0) -> Subgraph:
    shop = Subgraph("shop", SDL)

    @shop.field("Query", "orders")
    async def orders(_root: Any, info: Any) -> list[str]:
        tenant = info.context["headers"].get("x-tenant-id")
        seen.append(tenant)
        await asyncio.sleep(delay)
        return ORDERS.get(tenant or "", [])

    return shop


def _token(**claims: Any) -> str:
    return jwt.encode({"sub": "u", **claims}, SECRET, algorithm="HS256")


def _orders(url: str, headers: dict[str, str]) -> tuple[int, Any]:
    response = post_graphql(url, "{ orders }", headers=headers)
    return response.status, response.json()


def test_the_header_names_the_tenant_and_subgraphs_receive_it() -> None:
    seen: list[str | None] = []
    with federation(_shop(seen), tenancy=TenancyPolicy()) as url:
        acme = _orders(url, {"x-tenant-id": "acme"})
        missing = _orders(url, {})
    assert acme == (200, {"data": {"orders": ["acme-1", "acme-2"]}})
    assert missing[0] == 400
    assert missing[1]["errors"][0]["extensions"]["code"] == "TENANT_REQUIRED"
    assert seen == ["acme"]


def test_a_header_that_contradicts_the_token_is_refused() -> None:
    seen: list[str | None] = []
    with federation(
        _shop(seen), jwt=JwtPolicy(secret=SECRET), tenancy=TenancyPolicy(strategy="jwt")
    ) as url:
        own = _orders(url, {"authorization": f"Bearer {_token(tenant_id='acme')}"})
        other = _orders(
            url,
            {"authorization": f"Bearer {_token(tenant_id='acme')}", "x-tenant-id": "globex"},
        )
        header_only = _orders(url, {"x-tenant-id": "globex"})
    assert own == (200, {"data": {"orders": ["acme-1", "acme-2"]}})
    assert other[0] == 403
    assert other[1]["errors"][0]["extensions"]["code"] == "TENANT_MISMATCH"
    assert header_only[0] == 400  # with tokens deciding, a header alone names no tenant
    assert seen == ["acme"]


def test_a_client_cannot_forward_another_tenant_through_forwarded_headers() -> None:
    seen: list[str | None] = []
    with federation(
        _shop(seen),
        jwt=JwtPolicy(secret=SECRET),
        tenancy=TenancyPolicy(strategy="jwt"),
        forward_headers=("x-tenant-id",),
    ) as url:
        token = _token(tenant_id="acme")
        _orders(url, {"authorization": f"Bearer {token}", "x-tenant-id": "acme"})
    assert seen == ["acme"]


def test_two_tenants_never_share_an_execution() -> None:
    seen: list[str | None] = []
    with (
        federation(_shop(seen, delay=0.3), tenancy=TenancyPolicy(), inbound_dedup=True) as url,
        ThreadPoolExecutor(6) as pool,
    ):
        tenants = ["acme", "globex"] * 3
        started = time.monotonic()
        answers = list(pool.map(lambda t: _orders(url, {"x-tenant-id": t}), tenants))
        assert time.monotonic() - started < 3
    for tenant, (status, body) in zip(tenants, answers, strict=True):
        assert status == 200
        assert body == {"data": {"orders": ORDERS[tenant]}}
    # Identical queries of one tenant may share; the two tenants never do.
    assert set(seen) == {"acme", "globex"}
    assert 2 <= len(seen) <= 6
