"""The demo graph: entities crossing three subgraphs, @requires, @provides, aliases, fragments."""

from tests.federation.harness import Query

from hansa.demo import accounts, products, reviews

SUBGRAPHS = [accounts, products, reviews]

QUERIES = [
    Query("root-field", "{ me { id name } }"),
    Query(
        "across-all-three",
        """
        {
          topProducts(first: 2) {
            name
            reviewSummary
            reviews { body author { username name } }
          }
        }
        """,
    ),
    Query(
        "provides-username-only",
        "{ latestReviews { id author { username } } }",
    ),
    Query(
        "aliases-and-fragments",
        """
        query Q($upc: String!) {
          first: product(upc: $upc) { ...P label: name }
          me { ... on User { handle: username reviews { stars product { name } } } }
        }
        fragment P on Product { upc price reviews { id } }
        """,
        variables={"upc": "2"},
    ),
    Query(
        "typename-everywhere",
        "{ __typename me { __typename reviews { __typename author { __typename id } } } }",
    ),
]
