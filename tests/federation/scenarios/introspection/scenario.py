"""Introspection of the API schema through the gateway.

``shop`` owns ``Product`` (with arguments, defaults, a deprecated field and a description), the
``Status`` enum (with deprecated values), the ``Node`` interface, a union, an input type and an
``@inaccessible`` type; ``reviews`` adds fields to ``Product``. Introspection answers come from the
API schema: federation internals (``join__*``, ``link__*``, ``_Entity``, ``_service``) and
inaccessible elements are absent. Fields, arguments and enum values are listed in supergraph SDL
order; ``__schema.types`` follows graphql-js's type collection: the API schema's types in
supergraph SDL order, each built-in scalar right after the first type that references it, and the
introspection types last. One query mixes introspection with a real fetch.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS = {"1": {"id": "1", "name": "Teapot", "status": "ACTIVE", "sku": "TP-1"}}

shop = Subgraph(
    "shop",
    '''
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])

    interface Node {
      id: ID!
    }

    """A thing we sell."""
    type Product implements Node @key(fields: "id") {
      id: ID!
      "The display name."
      name(uppercase: Boolean = false, locale: String): String!
      status: Status!
      sku: String @deprecated(reason: "Use id.")
      related(first: Int = 3, filter: ProductFilter): [Product!]!
    }

    enum Status {
      ACTIVE
      DISCONTINUED @deprecated(reason: "Nothing is discontinued any more.")
      LEGACY @deprecated
      HIDDEN @inaccessible
    }

    input ProductFilter {
      status: Status = ACTIVE
      nameContains: String
    }

    type Secret @inaccessible {
      code: String
    }

    union SearchResult = Product

    type Query {
      product(id: ID!): Product
      search(text: String!): [SearchResult!]!
      node(id: ID!): Node
      secret: Secret @inaccessible
    }
    ''',
)


@shop.field("Query", "product")
def product(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return PRODUCTS.get(id)


@shop.field("Product", "name")
def product_name(
    product: dict[str, Any], _info: Any, uppercase: bool = False, locale: str | None = None
) -> str:
    name: str = product["name"]
    return name.upper() if uppercase else name


@shop.reference("Product")
def shop_product(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return PRODUCTS.get(rep["id"])


reviews = Subgraph(
    "reviews",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Product @key(fields: "id") {
      id: ID!
      reviewCount: Int!
      topReview(minStars: Int = 4): String
    }
    """,
)


@reviews.reference("Product")
def reviews_product(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"], "reviewCount": 2, "topReview": "Short and stout."}


SUBGRAPHS = [shop, reviews]

QUERIES = [
    Query("schema-type-names", "{ __schema { types { name kind } } }"),
    Query(
        "schema-root-types-and-directives",
        """
        {
          __typename
          __schema {
            description
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            directives { name isRepeatable locations args { name defaultValue } }
          }
        }
        """,
    ),
    Query(
        "type-product-fields-and-args",
        """
        {
          __type(name: "Product") {
            name
            kind
            description
            interfaces { name }
            fields(includeDeprecated: true) {
              name
              description
              isDeprecated
              deprecationReason
              args { name defaultValue type { kind name ofType { kind name } } }
              type { kind name ofType { kind name ofType { kind name ofType { name } } } }
            }
            nonDeprecated: fields { name }
          }
        }
        """,
    ),
    Query(
        "inaccessible-and-internal-types-are-null",
        """
        {
          secret: __type(name: "Secret") { name }
          graph: __type(name: "join__Graph") { name }
          entity: __type(name: "_Entity") { name }
          any: __type(name: "_Any") { name }
          unknown: __type(name: "Nope") { name }
          query: __type(name: "Query") { fields { name } }
          filter: __type(name: "ProductFilter") { inputFields { name defaultValue } }
          node: __type(name: "Node") { kind possibleTypes { name } }
          union: __type(name: "SearchResult") { kind possibleTypes { name } }
        }
        """,
    ),
    Query(
        "enum-values-with-deprecation",
        """
        {
          __type(name: "Status") {
            kind
            enumValues(includeDeprecated: true) { name isDeprecated deprecationReason }
            current: enumValues { name }
          }
        }
        """,
    ),
    Query(
        "introspection-mixed-with-data",
        """
        {
          __typename
          product(id: "1") {
            __typename
            name(uppercase: true)
            reviewCount
          }
          __type(name: "Node") { name }
        }
        """,
    ),
]
