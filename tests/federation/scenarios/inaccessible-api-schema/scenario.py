"""``@inaccessible``: elements in the supergraph that the API schema (what clients see) omits.

``catalog`` marks inaccessible: a type (``Secret``), fields (``Product.cost``,
``Query.secret``), arguments (``products(debug:)``, ``echo(mode:)``), an enum value
(``Order.INTERNAL_ORDER``) and input fields (``ProductFilter.internalFlag``, ``.tiebreak``);
``extras`` adds an accessible ``Product.rating`` and an inaccessible ``Product.internalNotes``.
Requesting any of them is a validation error (or, for an enum value given in a variable, a
variable-coercion error). Composition refuses an accessible argument whose default uses an
inaccessible enum value (``DEFAULT_VALUE_USES_INACCESSIBLE``), so the defaults that reference
``INTERNAL_ORDER`` sit on an inaccessible argument and an inaccessible input field: clients cannot
set them, and ``echo`` (which returns the arguments it received as JSON) shows the subgraph still
ends up with ``INTERNAL_ORDER``. A subgraph returning an inaccessible enum value in a response is
also recorded.
"""

import json
from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS = [
    {"id": "p1", "name": "Anvil", "cost": 12, "listedOrder": "ASC"},
    {"id": "p2", "name": "Rocket", "cost": 99, "listedOrder": "INTERNAL_ORDER"},
]

catalog = Subgraph(
    "catalog",
    """
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])

    enum Order {
      ASC
      DESC
      INTERNAL_ORDER @inaccessible
    }

    type Secret @inaccessible {
      code: String
    }

    input ProductFilter {
      name: String
      order: Order = ASC
      internalFlag: Boolean @inaccessible
      tiebreak: Order = INTERNAL_ORDER @inaccessible
    }

    type Product @key(fields: "id") {
      id: ID!
      name: String
      cost: Int @inaccessible
      secret: Secret @inaccessible
      listedOrder: Order
    }

    type Query {
      products(
        order: Order = ASC
        debug: Boolean @inaccessible
      ): [Product!]!
      echo(
        filter: ProductFilter
        order: Order = DESC
        mode: Order = INTERNAL_ORDER @inaccessible
      ): String!
      secret: Secret @inaccessible
    }
    """,
)


@catalog.field("Query", "products")
def products(_root: Any, _info: Any, order: str = "ASC", debug: bool = False) -> list[Any]:
    return PRODUCTS if order != "DESC" else PRODUCTS[::-1]


@catalog.field("Query", "echo")
def echo(_root: Any, _info: Any, **args: Any) -> str:
    return json.dumps(args, sort_keys=True, separators=(",", ":"))


@catalog.field("Query", "secret")
def secret(_root: Any, _info: Any) -> dict[str, Any]:
    return {"code": "hunter2"}


@catalog.field("Product", "secret")
def product_secret(_product: Any, _info: Any) -> dict[str, Any]:
    return {"code": "hunter2"}


@catalog.reference("Product")
def catalog_product(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p["id"] == rep["id"]), None)


extras = Subgraph(
    "extras",
    """
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])

    type Product @key(fields: "id") {
      id: ID!
      rating: Int
      internalNotes: String @inaccessible
    }
    """,
)


@extras.reference("Product")
def extras_product(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"], "rating": len(rep["id"]) + 3, "internalNotes": "do not ship"}


SUBGRAPHS = [catalog, extras]

QUERIES = [
    Query(
        "hidden-defaults-reach-subgraph",
        """
        {
          products { id name rating }
          plain: echo
          withFilter: echo(filter: { name: "Anvil", order: DESC }, order: ASC)
        }
        """,
    ),
    Query(
        "inaccessible-field-and-argument-rejected",
        """
        {
          products(debug: true) { id cost internalNotes }
        }
        """,
    ),
    Query(
        "inaccessible-type-and-input-field-rejected",
        """
        {
          echo(filter: { internalFlag: true })
          secret { code }
          products { id ... on Secret { code } }
        }
        """,
    ),
    Query(
        "inaccessible-enum-value-literal-rejected",
        """
        {
          echo(order: INTERNAL_ORDER)
        }
        """,
    ),
    Query(
        "inaccessible-enum-value-variable-rejected",
        """
        query Order($order: Order, $filter: ProductFilter) {
          echo(order: $order, filter: $filter)
        }
        """,
        variables={"order": "INTERNAL_ORDER", "filter": {"tiebreak": "ASC"}},
    ),
    Query(
        "inaccessible-enum-value-in-response",
        "{ products(order: DESC) { id listedOrder } }",
    ),
]
