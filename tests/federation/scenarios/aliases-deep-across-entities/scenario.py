"""Deep aliasing across entity boundaries, fragments three deep, @include/@skip on fragments.

``library`` owns ``Author @key(fields: "id")`` and the interface ``Work`` (``Novel``, ``Poem``),
``Query.search: [Hit]`` with ``union Hit = Author | Novel | Poem``. ``stats`` adds
``Author.quote(lang: String!, short: Boolean = false)`` and ``Novel.sales(year: Int!)`` whose
values depend on every argument. So the same field under many aliases with different
arguments must reach ``stats`` as distinct fields (and come back under the right keys), on both
sides of entity jumps; ``__typename`` appears under aliases only; fragments on the union, the
interface and an implementation nest three deep; @include/@skip with variables sit on inline
fragments, named fragment spreads and fields.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

AUTHORS = {"a1": {"id": "a1", "name": "Woolf"}, "a2": {"id": "a2", "name": "Neruda"}}
WORKS: dict[str, dict[str, Any]] = {
    "n1": {"__typename": "Novel", "id": "n1", "title": "Orlando", "author": "a1", "pages": 333},
    "n2": {"__typename": "Novel", "id": "n2", "title": "The Waves", "author": "a1", "pages": 297},
    "p1": {"__typename": "Poem", "id": "p1", "title": "Ode", "author": "a2", "lines": 40},
}

LIBRARY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  search: [Hit]
  works: [Work!]!
}

union Hit = Author | Novel | Poem

interface Work {
  id: ID!
  title: String
  author: Author
}

type Author @key(fields: "id") {
  id: ID!
  name: String
  works: [Work!]!
}

type Novel implements Work @key(fields: "id") {
  id: ID!
  title: String
  author: Author
  pages: Int
}

type Poem implements Work @key(fields: "id") {
  id: ID!
  title: String
  author: Author
  lines: Int
}
"""


def _author(id_: str) -> dict[str, Any]:
    return {"__typename": "Author", **AUTHORS[id_]}


library = Subgraph(
    "library",
    LIBRARY_SDL,
    {
        "Query": {
            "search": lambda _r, _i: [WORKS["p1"], _author("a1"), WORKS["n2"]],
            "works": lambda _r, _i: list(WORKS.values()),
        },
        "Author": {
            "works": lambda a, _i: [w for w in WORKS.values() if w["author"] == a["id"]],
            "__resolve_reference": lambda rep, _i: _author(rep["id"]),
        },
        "Novel": {
            "author": lambda w, _i: _author(w["author"]),
            "__resolve_reference": lambda rep, _i: WORKS.get(rep["id"]),
        },
        "Poem": {
            "author": lambda w, _i: _author(w["author"]),
            "__resolve_reference": lambda rep, _i: WORKS.get(rep["id"]),
        },
    },
)

STATS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Author @key(fields: "id") {
  id: ID!
  quote(lang: String!, short: Boolean = false): String
}

type Novel @key(fields: "id") {
  id: ID!
  sales(year: Int!): Int
}
"""


def _quote(a: dict[str, Any], _i: Any, lang: str, short: bool = False) -> str:
    text = f"{a['id']}:{lang}"
    return text if short else f"{text}:long"


stats = Subgraph(
    "stats",
    STATS_SDL,
    {
        "Author": {"quote": _quote, "__resolve_reference": lambda rep, _i: dict(rep)},
        "Novel": {
            "sales": lambda n, _i, year: (year - 1900) * (2 if n["id"] == "n1" else 3),
            "__resolve_reference": lambda rep, _i: dict(rep),
        },
    },
)

SUBGRAPHS = [library, stats]

QUERIES = [
    Query(
        "same-field-many-aliases-many-arguments",
        """
        {
          works {
            t: __typename
            author {
              en: quote(lang: "en")
              enShort: quote(lang: "en", short: true)
              fr: quote(lang: "fr", short: false)
              quote(lang: "es")
            }
            ... on Novel { y1: sales(year: 1990) y2: sales(year: 2000) sales(year: 1950) }
          }
        }
        """,
    ),
    Query(
        "typename-only-aliased-selections",
        """
        {
          search { a: __typename b: __typename ... on Work { c: __typename author { d: __typename } } }
        }
        """,
    ),
    Query(
        "fragments-three-deep-union-interface-implementation",
        """
        query Deep($lang: String!) {
          search { ...OnHit }
        }
        fragment OnHit on Hit {
          ... on Work { ...OnWork }
          ... on Author { name q: quote(lang: $lang) }
        }
        fragment OnWork on Work {
          title
          author { ...OnAuthor }
          ... on Novel { ...OnNovel }
        }
        fragment OnNovel on Novel { pages s: sales(year: 2024) author { q2: quote(lang: $lang, short: true) } }
        fragment OnAuthor on Author { id q: quote(lang: $lang) }
        """,
        variables={"lang": "de"},
    ),
    Query(
        "include-skip-on-fragments-and-fields",
        """
        query Cond($more: Boolean!, $less: Boolean!) {
          works {
            id
            ... on Novel @include(if: $more) { sales(year: 2001) }
            ...Who @skip(if: $less)
            author @include(if: $more) { low: quote(lang: "it") @skip(if: $more) up: quote(lang: "pt") }
          }
        }
        fragment Who on Work { author { name } }
        """,
        variables={"more": True, "less": True},
    ),
    Query(
        "include-skip-other-assignment",
        """
        query Cond($more: Boolean!, $less: Boolean!) {
          works {
            id
            ... on Novel @include(if: $more) { sales(year: 2001) }
            ...Who @skip(if: $less)
            author @include(if: $more) { low: quote(lang: "it") @skip(if: $more) up: quote(lang: "pt") }
          }
        }
        fragment Who on Work { author { name } }
        """,
        variables={"more": False, "less": False},
    ),
    Query(
        "aliases-across-two-entity-jumps",
        """
        {
          search {
            ... on Author {
              me: quote(lang: "en")
              ws: works {
                ... on Novel { old: sales(year: 1930) new: sales(year: 2020) by: author { me: quote(lang: "sv") } }
              }
            }
          }
        }
        """,
    ),
]
