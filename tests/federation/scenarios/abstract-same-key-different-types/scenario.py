"""One response key, different fields or types per member: subgraph queries need internal aliases.

``shapes`` returns ``Shape`` (``Circle | Square``) and owns ``label``, typed ``String!`` on
``Circle`` but ``String`` on ``Square``; ``labels`` also resolves ``Circle.label``, as nullable
``String``, so the supergraph says ``String`` for both. ``gallery`` returns shapes by key only.
Selections under sibling type conditions may put different fields, or fields whose *subgraph*
types differ, under one response key: valid against the supergraph, but not in the subgraph
operation (GraphQL's "fields in set can merge" rule compares types across sibling type
conditions), so the gateway must rename such fields in what it sends and rename them back:

- ``... on Circle { measure: radius } ... on Square { measure: side }`` (different fields);
- ``label`` under both members, fetched from ``shapes``' root (``String!`` vs ``String``);
- the same in an entity fetch from ``gallery``'s root: ``shapes`` is the only source of
  ``Square.label``, so one ``_entities`` call serves both members and needs the alias (with a
  variable and a fragment);
- client aliases that look like internal ones (``label__alias_0``) must not collide;
- ``Int`` and ``String`` under one key is invalid for the client too: a validation error.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SHAPES: dict[str, dict[str, Any]] = {
    "c1": {"__typename": "Circle", "id": "c1", "radius": 3, "label": "small circle"},
    "s1": {"__typename": "Square", "id": "s1", "side": 4, "label": None},
    "c2": {"__typename": "Circle", "id": "c2", "radius": 10, "label": "big circle"},
    "s2": {"__typename": "Square", "id": "s2", "side": 7, "label": "square"},
}

SHAPES_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  shapes: [Shape!]!
  shape(id: ID!): Shape
}

interface Shape {
  id: ID!
}

type Circle implements Shape @key(fields: "id") {
  id: ID!
  radius: Int
  label: String! @shareable
}

type Square implements Shape @key(fields: "id") {
  id: ID!
  side: Int
  label: String @shareable
}
"""

shapes = Subgraph(
    "shapes",
    SHAPES_SDL,
    {
        "Query": {
            "shapes": lambda _root, _info: list(SHAPES.values()),
            "shape": lambda _root, _info, id: SHAPES.get(id),
        },
        "Circle": {"__resolve_reference": lambda rep, _info: SHAPES.get(rep["id"])},
        "Square": {"__resolve_reference": lambda rep, _info: SHAPES.get(rep["id"])},
    },
)

LABELS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Circle @key(fields: "id") {
  id: ID!
  label: String @shareable
}
"""

labels = Subgraph(
    "labels",
    LABELS_SDL,
    {"Circle": {"__resolve_reference": lambda rep, _info: SHAPES.get(rep["id"])}},
)

GALLERY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  gallery(limit: Int = 10): [Shape!]!
}

interface Shape {
  id: ID!
}

type Circle implements Shape @key(fields: "id") {
  id: ID!
}

type Square implements Shape @key(fields: "id") {
  id: ID!
}
"""

GALLERY = [{"__typename": SHAPES[i]["__typename"], "id": i} for i in ("s2", "c2", "s1", "c1")]

gallery = Subgraph(
    "gallery",
    GALLERY_SDL,
    {"Query": {"gallery": lambda _root, _info, limit=10: GALLERY[:limit]}},
)

SUBGRAPHS = [shapes, labels, gallery]

QUERIES = [
    Query(
        "same-key-different-fields",
        "{ shapes { __typename ... on Circle { measure: radius } ... on Square { measure: side } } }",
    ),
    Query(
        "same-field-different-nullability-in-root-fetch",
        "{ shapes { id ... on Circle { label } ... on Square { label } } }",
    ),
    Query(
        "same-field-different-nullability-in-entity-fetch",
        """
        query Gallery($limit: Int!) {
          gallery(limit: $limit) { ...Labelled }
        }
        fragment Labelled on Shape { __typename id ... on Circle { label } ... on Square { label } }
        """,
        variables={"limit": 3},
    ),
    Query(
        "client-alias-resembling-internal-alias",
        """
        {
          shapes {
            ... on Circle { label label__alias_0: radius }
            ... on Square { label label__alias_1: side }
          }
        }
        """,
    ),
    Query(
        "different-scalar-types-under-one-key-is-invalid",
        "{ shapes { ... on Circle { value: radius } ... on Square { value: label } } }",
    ),
    Query(
        "aliased-field-in-entity-fetch-without-client-typename",
        "{ gallery { ... on Square { label } ... on Circle { radius label } } }",
    ),
]
