"""Circular references through interface fields, with entity jumps between two subgraphs.

``catalog`` owns the interface ``Item`` (``id``, ``name``, ``parent: Item``) and its entity
implementations ``Folder`` and ``Doc``. ``links`` declares the same interface with only ``id`` and
``related: [Item]``, implemented by the same entities (``links`` knows nothing of names or
parents). So a path such as ``item { parent { related { parent { related { name } } } } }`` jumps
catalog → links → catalog → links → catalog, each jump at an abstract position where the planner
must go through the concrete types. The data makes a wrong jump visible:

- ``links`` relates items across folders (``d1`` → ``f2``, ``d3``) so every level names
  different objects, and cycles back (``f2`` → ``d1``);
- a ``related`` entry that ``catalog`` does not know (``ghost``) resolves to null in ``catalog``,
  which nulls its nullable list item's ``name`` position only;
- ``Doc.size`` lives only in ``links`` and is asked under a fragment deep in the cycle;
- aliases on the same interface field at two levels, ``__typename`` at every level, and a
  fragment on the interface spread inside fragments on the implementations.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ITEMS: dict[str, dict[str, Any]] = {
    "root": {"__typename": "Folder", "id": "root", "name": "/", "parent": None},
    "f1": {"__typename": "Folder", "id": "f1", "name": "/papers", "parent": "root"},
    "f2": {"__typename": "Folder", "id": "f2", "name": "/talks", "parent": "root"},
    "d1": {"__typename": "Doc", "id": "d1", "name": "turing.pdf", "parent": "f1"},
    "d2": {"__typename": "Doc", "id": "d2", "name": "lovelace.pdf", "parent": "f1"},
    "d3": {"__typename": "Doc", "id": "d3", "name": "keynote.key", "parent": "f2"},
}


def _item(id_: str | None) -> dict[str, Any] | None:
    return ITEMS.get(id_) if id_ is not None else None


CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  item(id: ID!): Item
  items: [Item!]!
}

interface Item {
  id: ID!
  name: String
  parent: Item
}

type Folder implements Item @key(fields: "id") {
  id: ID!
  name: String
  parent: Item
  children: [Item!]!
}

type Doc implements Item @key(fields: "id") {
  id: ID!
  name: String
  parent: Item
  extension: String
}
"""

catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {
            "item": lambda _root, _info, id: _item(id),
            "items": lambda _root, _info: list(ITEMS.values()),
        },
        "Folder": {
            "parent": lambda obj, _info: _item(obj["parent"]),
            "children": lambda obj, _info: [i for i in ITEMS.values() if i["parent"] == obj["id"]],
            "__resolve_reference": lambda rep, _info: _item(rep["id"]),
        },
        "Doc": {
            "parent": lambda obj, _info: _item(obj["parent"]),
            "extension": lambda obj, _info: obj["name"].rsplit(".", 1)[-1],
            "__resolve_reference": lambda rep, _info: _item(rep["id"]),
        },
    },
)

# links' own graph: each item's related items (by typename and id); "ghost" is unknown to catalog.
RELATED: dict[str, list[tuple[str, str]]] = {
    "root": [("Folder", "f1")],
    "f1": [("Doc", "d2"), ("Folder", "f2")],
    "f2": [("Doc", "d1"), ("Doc", "ghost")],
    "d1": [("Folder", "f2"), ("Doc", "d3")],
    "d2": [("Doc", "d1")],
    "d3": [("Folder", "f1")],
}
SIZES = {"d1": 120, "d2": 98, "d3": 4096, "ghost": 0}

LINKS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  mostLinked: Item
}

interface Item {
  id: ID!
  related: [Item]
}

type Folder implements Item @key(fields: "id") {
  id: ID!
  related: [Item]
}

type Doc implements Item @key(fields: "id") {
  id: ID!
  related: [Item]
  size: Int
}
"""


def _related(obj: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [{"__typename": t, "id": i} for t, i in RELATED.get(obj["id"], [])]


def _link_ref(typename: str) -> Any:
    return lambda rep, _info: {"__typename": typename, "id": rep["id"]}


links = Subgraph(
    "links",
    LINKS_SDL,
    {
        "Query": {"mostLinked": lambda _root, _info: {"__typename": "Doc", "id": "d1"}},
        "Folder": {"related": _related, "__resolve_reference": _link_ref("Folder")},
        "Doc": {
            "related": _related,
            "size": lambda obj, _info: SIZES.get(obj["id"]),
            "__resolve_reference": _link_ref("Doc"),
        },
    },
)

SUBGRAPHS = [catalog, links]

QUERIES = [
    Query(
        "parent-related-parent-related",
        """
        {
          item(id: "d2") {
            __typename
            name
            parent {
              __typename
              name
              related {
                __typename
                name
                parent { name related { __typename id name } }
              }
            }
          }
        }
        """,
    ),
    Query(
        "from-links-root-through-catalog-and-back",
        """
        {
          mostLinked {
            __typename
            id
            name
            related {
              id
              name
              ... on Doc { size extension }
              ... on Folder { children { name ... on Doc { size } } }
            }
          }
        }
        """,
    ),
    Query(
        "aliases-on-the-interface-field-at-two-levels",
        """
        query Two($id: ID!) {
          item(id: $id) {
            up: parent { name }
            out: related {
              id
              up: parent { name up: parent { name } }
              out: related { __typename id }
              also: related { name }
            }
          }
        }
        """,
        variables={"id": "f1"},
    ),
    Query(
        "fragments-on-implementations-spread-interface-fragment",
        """
        {
          items {
            ... on Folder { ...Hop }
            ... on Doc { size ...Hop }
          }
        }
        fragment Hop on Item {
          id
          related { __typename ... on Doc { name size parent { id } } ... on Folder { name } }
        }
        """,
    ),
    Query(
        "unknown-related-item-nulls-only-its-name",
        """
        {
          item(id: "f2") {
            name
            related { __typename id name ... on Doc { size extension } }
          }
        }
        """,
    ),
    Query(
        "cycle-five-levels-deep",
        """
        {
          item(id: "root") {
            related {
              related {
                name
                related { parent { related { __typename name } } }
              }
            }
          }
        }
        """,
    ),
]
