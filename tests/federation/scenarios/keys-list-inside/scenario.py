"""A key that selects a list of objects: ``Assembly @key(fields: "id parts { id }")``.

An assembly's identity here is its id plus the ids of the parts in it (a revision of the same
assembly with different parts is a different entity), so representations carry a list:
``{"__typename": "Assembly", "id": "desk", "parts": [{"id": "leg"}, ...]}``. ``pricing`` prices
an assembly straight from the part ids in the representation it receives, so a representation
with the list missing, reordered or flattened gives a visibly wrong total. ``catalog`` ->
``pricing`` needs the gateway to collect the list key from data the client may not have
selected; ``pricing`` -> ``catalog`` sends the same list-keyed assembly several times (any dedup
must compare lists element by element, in order), and two revisions of ``desk`` differ only in their parts.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PARTS = {
    "leg": {"id": "leg", "name": "Leg"},
    "top": {"id": "top", "name": "Table top"},
    "drawer": {"id": "drawer", "name": "Drawer"},
    "shelf": {"id": "shelf", "name": "Shelf"},
}
ASSEMBLIES: list[dict[str, Any]] = [
    {"id": "desk", "parts": ["top", "leg", "leg", "leg", "leg"], "name": "Plain desk"},
    {"id": "desk", "parts": ["top", "leg", "leg", "leg", "leg", "drawer"], "name": "Desk+drawer"},
    {"id": "bookcase", "parts": ["shelf", "shelf", "shelf"], "name": "Bookcase"},
]


def _assembly_key(parts: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(p["id"] for p in parts)


ASSEMBLY_BY_KEY = {(a["id"], tuple(a["parts"])): a for a in ASSEMBLIES}


def _assembly_out(a: dict[str, Any]) -> dict[str, Any]:
    return {**a, "parts": [PARTS[p] for p in a["parts"]]}


catalog = Subgraph(
    "catalog",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      assemblies: [Assembly!]!
      assembly(id: ID!, revision: Int! = 0): Assembly
    }

    type Part @key(fields: "id") {
      id: ID!
      name: String!
    }

    type Assembly @key(fields: "id parts { id }") {
      id: ID!
      parts: [Part!]!
      name: String!
    }
    """,
)


@catalog.field("Query", "assemblies")
def _assemblies(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [_assembly_out(a) for a in ASSEMBLIES]


@catalog.field("Query", "assembly")
def _assembly(_root: Any, _info: Any, id: str, revision: int = 0) -> dict[str, Any] | None:
    matching = [a for a in ASSEMBLIES if a["id"] == id]
    return _assembly_out(matching[revision]) if revision < len(matching) else None


@catalog.reference("Assembly")
def _resolve_assembly(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    found = ASSEMBLY_BY_KEY.get((rep["id"], _assembly_key(rep["parts"])))
    return _assembly_out(found) if found else None


@catalog.reference("Part")
def _resolve_part(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return PARTS.get(rep["id"])


UNIT_COST = {"leg": 15, "top": 80, "drawer": 40, "shelf": 25}

pricing = Subgraph(
    "pricing",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      quotes: [Quote!]!
    }

    type Quote {
      customer: String!
      assembly: Assembly!
    }

    type Part @key(fields: "id") {
      id: ID!
      unitCost: Int!
    }

    type Assembly @key(fields: "id parts { id }") {
      id: ID!
      parts: [Part!]!
      totalCost: Int!
      partCount: Int!
    }
    """,
)

QUOTES: list[dict[str, Any]] = [
    {"customer": "Ann", "assembly": ("desk", ["top", "leg", "leg", "leg", "leg"])},
    {"customer": "Bo", "assembly": ("bookcase", ["shelf", "shelf", "shelf"])},
    {"customer": "Cy", "assembly": ("desk", ["top", "leg", "leg", "leg", "leg", "drawer"])},
    {"customer": "Di", "assembly": ("desk", ["top", "leg", "leg", "leg", "leg"])},
]


@pricing.field("Query", "quotes")
def _quotes(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return QUOTES


@pricing.field("Quote", "assembly")
def _quote_assembly(quote: dict[str, Any], _info: Any) -> dict[str, Any]:
    id_, parts = quote["assembly"]
    return {"id": id_, "parts": [{"id": p} for p in parts]}


@pricing.field("Assembly", "totalCost")
def _total_cost(assembly: dict[str, Any], _info: Any) -> int:
    return sum(UNIT_COST[p["id"]] for p in assembly["parts"])


@pricing.field("Assembly", "partCount")
def _part_count(assembly: dict[str, Any], _info: Any) -> int:
    return len(assembly["parts"])


@pricing.field("Part", "unitCost")
def _unit_cost(part: dict[str, Any], _info: Any) -> int:
    return UNIT_COST[part["id"]]


@pricing.reference("Assembly")
def _resolve_priced(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"], "parts": [{"id": p["id"]} for p in rep["parts"]]}


SUBGRAPHS = [catalog, pricing]

QUERIES = [
    Query(
        "catalog-to-pricing-with-list-key",
        "{ assemblies { id name totalCost partCount } }",
    ),
    Query(
        "pricing-to-catalog-dedup-by-list",
        "{ quotes { customer assembly { id name totalCost } } }",
    ),
    Query(
        "revision-by-variables",
        """
        query Rev($id: ID!, $revision: Int!) {
          assembly(id: $id, revision: $revision) { __typename name cost: totalCost }
        }
        """,
        variables={"id": "desk", "revision": 1},
    ),
    Query(
        "parts-from-both-with-fragments",
        """
        {
          quotes {
            who: customer
            assembly { ...A }
          }
        }
        fragment A on Assembly {
          name
          parts { __typename id name unitCost }
        }
        """,
    ),
]
