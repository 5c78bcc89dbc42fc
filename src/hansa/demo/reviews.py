"""Reviews subgraph: owns ``Review``; adds ``reviews`` to users and products."""

from typing import Any

from hansa.subgraph import Subgraph

REVIEWS: list[dict[str, Any]] = [
    {"id": "1", "authorID": "1", "productUpc": "1", "body": "Love it!", "stars": 5},
    {"id": "2", "authorID": "1", "productUpc": "2", "body": "Too expensive.", "stars": 2},
    {"id": "3", "authorID": "2", "productUpc": "3", "body": "Could be better.", "stars": 3},
    {"id": "4", "authorID": "2", "productUpc": "1", "body": "Prefer something else.", "stars": 3},
]
# The reviews service keeps a copy of usernames, which is what lets it @provides them.
USERNAMES = {"1": "@ada", "2": "@complete"}

SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@external", "@provides", "@requires", "@shareable"])

type Query {
  latestReviews(first: Int = 3): [Review!]!
}

type Review @key(fields: "id") {
  id: ID!
  body: String
  stars: Int
  author: User @provides(fields: "username")
  product: Product
}

type User @key(fields: "id") {
  id: ID!
  username: String @external
  reviews: [Review!]!
}

type Product @key(fields: "upc") {
  upc: String!
  name: String @external
  reviews: [Review!]!
  reviewSummary: String @requires(fields: "name")
}
"""

reviews = Subgraph("reviews", SDL)


def _author(review: dict[str, Any]) -> dict[str, Any]:
    return {"id": review["authorID"], "username": USERNAMES[review["authorID"]]}


@reviews.field("Query", "latestReviews")
def latest_reviews(_root: Any, _info: Any, first: int = 3) -> list[dict[str, Any]]:
    return REVIEWS[-first:][::-1]


@reviews.field("Review", "author")
def review_author(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return _author(review)


@reviews.field("Review", "product")
def review_product(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"upc": review["productUpc"]}


@reviews.field("User", "reviews")
def user_reviews(user: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r["authorID"] == user["id"]]


@reviews.field("Product", "reviews")
def product_reviews(product: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r["productUpc"] == product["upc"]]


@reviews.field("Product", "reviewSummary")
def review_summary(product: dict[str, Any], _info: Any) -> str:
    stars = [r["stars"] for r in REVIEWS if r["productUpc"] == product["upc"]]
    average = sum(stars) / len(stars) if stars else 0
    return f"{product['name']}: {len(stars)} reviews, {average:.1f} stars on average"


@reviews.reference("Review")
def resolve_review(representation: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return next((r for r in REVIEWS if r["id"] == representation["id"]), None)
