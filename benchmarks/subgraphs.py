"""The four subgraphs of the public federation benchmark (graphql-hive/graphql-gateways-benchmark):
``accounts``, ``products``, ``inventory`` and ``reviews``, with the schema of the benchmark's
``supergraph.graphql``. ``benchmarks/workload/`` is a copy of ``../shared/bench`` (the supergraph,
the two queries and their expected answers), so a clone alone runs the benchmark.

Their data is read from the benchmark's expected heavy answer (``heavy.expected.json``), the
reference every gateway must reproduce byte for byte: users, reviews and products with the
links between them, as the benchmark's own subgraphs serve them (every user lists reviews 1 and
2, every review's author is user 1, ``shippingEstimate`` is null). A ``Subgraph`` from
``hansa.subgraph`` serves each one; ``memoized`` wraps an ASGI app so that identical request
bodies are answered from memory, which keeps the subgraphs' CPU out of the gateway's figures.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hansa.subgraph import Subgraph

BENCH = Path(__file__).resolve().parent / "workload"  # a copy of ../shared/bench
FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [{}])\n'


@dataclass
class Data:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    top_products: list[str] = field(default_factory=list)
    all_users: list[str] = field(default_factory=list)


def load_data(expected: Path = BENCH / "heavy.expected.json") -> Data:
    """Every object of the expected answer, merged by identity, with its links as ids."""
    answer = json.loads(expected.read_text())["data"]
    data = Data()
    tables = {"User": data.users, "Review": data.reviews, "Product": data.products}

    def walk(value: Any, type_name: str) -> str | None:
        if not isinstance(value, dict):
            return None
        ident = value["upc"] if type_name == "Product" else value["id"]
        row = tables[type_name].setdefault(ident, {})
        for key, item in value.items():
            if key == "reviews":
                row[key] = [walk(r, "Review") for r in item]
                if type_name == "Product":  # a product's reviews are reviews of it
                    for r in row[key]:
                        tables["Review"][str(r)].setdefault("product", ident)
            elif key == "author":
                row[key] = walk(item, "User")
            elif key == "product":
                row[key] = walk(item, "Product")
            else:
                row[key] = item
        return str(ident)

    data.all_users = [str(walk(u, "User")) for u in answer["users"]]
    data.top_products = [str(walk(p, "Product")) for p in answer["topProducts"]]
    return data


def with_products(data: Data, count: int) -> Data:
    """``data`` with ``topProducts`` ``count`` long: the benchmark's products, then copies of
    them under new UPCs (same fields and reviews), for answers of a chosen size."""
    originals = list(data.top_products)
    for i in range(len(originals), count):
        source = data.products[originals[i % len(originals)]]
        upc = f"{i + 1}"
        data.products[upc] = {**source, "upc": upc}
        data.top_products.append(upc)
    return data


ACCOUNTS = (
    FED.format('"@key"')
    + """
type Query {
  me: User
  user(id: ID!): User
  users: [User]
}

type User @key(fields: "id") {
  id: ID!
  name: String
  username: String
  birthday: Int
}
"""
)

PRODUCTS = (
    FED.format('"@key"')
    + """
type Query {
  topProducts(first: Int = 5): [Product]
}

type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
}
"""
)

INVENTORY = (
    FED.format('"@key", "@external", "@requires"')
    + """
type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}
"""
)

REVIEWS = (
    FED.format('"@key", "@external", "@provides"')
    + """
type Review @key(fields: "id") {
  id: ID!
  body: String
  product: Product
  author: User @provides(fields: "username")
}

type User @key(fields: "id") {
  id: ID!
  username: String @external
  reviews: [Review]
}

type Product @key(fields: "upc") {
  upc: String!
  reviews: [Review]
}
"""
)


def subgraphs(data: Data | None = None) -> list[Subgraph]:
    d = data or load_data()

    def user(ident: str | None) -> dict[str, Any] | None:
        return d.users.get(ident or "")

    def review(ident: str) -> dict[str, Any]:
        row = d.reviews[ident]
        return {
            "id": ident,
            "body": row["body"],
            "product": {"upc": row["product"]},
            "author": {"id": row["author"], "username": d.users[row["author"]]["username"]},
        }

    def product(upc: str) -> dict[str, Any] | None:
        row = d.products.get(upc)
        return None if row is None else {k: row[k] for k in ("upc", "name", "price", "weight")}

    accounts = Subgraph(
        "accounts",
        ACCOUNTS,
        {
            "Query": {
                "me": lambda _r, _i: user(d.all_users[0]),
                "user": lambda _r, _i, id: user(id),
                "users": lambda _r, _i: [user(u) for u in d.all_users],
            },
            "User": {"__resolve_reference": lambda rep, _i: user(rep["id"])},
        },
    )
    products = Subgraph(
        "products",
        PRODUCTS,
        {
            "Query": {
                "topProducts": lambda _r, _i, first=5: [
                    product(u) for u in d.top_products[: max(first, 0)]
                ]
            },
            "Product": {"__resolve_reference": lambda rep, _i: product(rep["upc"])},
        },
    )
    inventory = Subgraph(
        "inventory",
        INVENTORY,
        {
            "Product": {
                "__resolve_reference": lambda rep, _i: (
                    None
                    if rep["upc"] not in d.products
                    else {**rep, "inStock": d.products[rep["upc"]]["inStock"]}
                ),
                # the benchmark's inventory answers null here, whatever price and weight say
                "shippingEstimate": lambda _p, _i: None,
            },
        },
    )
    reviews = Subgraph(
        "reviews",
        REVIEWS,
        {
            "Review": {"__resolve_reference": lambda rep, _i: review(rep["id"])},
            "User": {
                "__resolve_reference": lambda rep, _i: dict(rep),
                "reviews": lambda u, _i: [review(r) for r in d.users[u["id"]]["reviews"]],
            },
            "Product": {
                "__resolve_reference": lambda rep, _i: dict(rep),
                "reviews": lambda p, _i: [
                    review(r) for r in d.products.get(p["upc"], {}).get("reviews", [])
                ],
            },
        },
    )
    return [accounts, products, inventory, reviews]


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def memoized(app: App) -> App:
    """``app`` with every POST answer kept by request body: a repeated request costs a lookup."""
    answers: dict[bytes, list[MutableMapping[str, Any]]] = {}

    async def memo(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
        if body not in answers:
            sent: list[MutableMapping[str, Any]] = []
            replayed = False

            async def replay() -> MutableMapping[str, Any]:
                nonlocal replayed
                if replayed:
                    return {"type": "http.disconnect"}
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            async def keep(message: MutableMapping[str, Any]) -> None:
                sent.append(message)

            await app(scope, replay, keep)
            answers[body] = sent
        for message in answers[body]:
            await send(message)

    return memo
