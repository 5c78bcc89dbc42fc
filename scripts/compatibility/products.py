"""The compatibility suite's ``products`` subgraph, implemented with ``hansa.subgraph``.

Schema: the suite's own ``products.graphql`` (read from the installed package, so it is always
the schema the suite checks against). Data: the suite's expected data set (COMPATIBILITY.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hansa.subgraph import Subgraph

SUITE = (
    Path(__file__).resolve().parent
    / "node_modules"
    / "@apollo"
    / "federation-subgraph-compatibility-tests"
)
SCHEMA = SUITE / "products.graphql"

DIMENSION = {"size": "small", "weight": 1, "unit": "kg"}
USER = {
    "email": "support@apollographql.com",
    "name": "Jane Smith",
    "totalProductsCreated": 1337,
    "yearsOfEmployment": 10,
}
DEPRECATED_PRODUCT = {
    "sku": "apollo-federation-v1",
    "package": "@apollo/federation-v1",
    "reason": "Migrate to Federation V2",
    "createdBy": USER,
}
RESEARCH = [
    {"study": {"caseNumber": "1234", "description": "Federation Study"}, "outcome": None},
    {"study": {"caseNumber": "1235", "description": "Studio Study"}, "outcome": None},
]
PRODUCTS = [
    {
        "id": "apollo-federation",
        "sku": "federation",
        "package": "@apollo/federation",
        "variation": {"id": "OSS"},
        "dimensions": DIMENSION,
        "research": [RESEARCH[0]],
        "createdBy": USER,
        "notes": None,
    },
    {
        "id": "apollo-studio",
        "sku": "studio",
        "package": "",
        "variation": {"id": "platform"},
        "dimensions": DIMENSION,
        "research": [RESEARCH[1]],
        "createdBy": USER,
        "notes": None,
    },
]
INVENTORY = {"id": "apollo-oss", "deprecatedProducts": [DEPRECATED_PRODUCT]}


def product(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p["id"] == id), None)


def deprecated_product(_root: Any, _info: Any, sku: str, package: str) -> dict[str, Any] | None:
    matches = DEPRECATED_PRODUCT["sku"] == sku and DEPRECATED_PRODUCT["package"] == package
    return DEPRECATED_PRODUCT if matches else None


def product_reference(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    """By ``id``, by ``sku package`` or by ``sku variation { id }``: the three keys."""
    for candidate in PRODUCTS:
        if "id" in rep and candidate["id"] == rep["id"]:
            return candidate
        if "sku" in rep and candidate["sku"] == rep["sku"]:
            if "package" in rep and candidate["package"] == rep["package"]:
                return candidate
            variation = rep.get("variation")
            if isinstance(variation, dict) and candidate["variation"] == variation:
                return candidate
    return None


def deprecated_product_reference(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return deprecated_product(None, None, rep.get("sku", ""), rep.get("package", ""))


def research_reference(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    case = (rep.get("study") or {}).get("caseNumber")
    return next((r for r in RESEARCH if r["study"]["caseNumber"] == case), None)


def user_reference(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    """The gateway sends the ``@requires`` fields (from users) along with the key."""
    if rep.get("email") != USER["email"]:
        return None
    return {**USER, **rep, "name": USER["name"]}


def average_products_created_per_year(user: dict[str, Any], _info: Any) -> int | None:
    total, years = user.get("totalProductsCreated"), user.get("yearsOfEmployment")
    if not total or not years:
        return None
    return round(total / years)


def inventory_reference(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return INVENTORY if rep.get("id") == INVENTORY["id"] else None


def products_subgraph() -> Subgraph:
    return Subgraph(
        "products",
        SCHEMA.read_text(),
        {
            "Query": {"product": product, "deprecatedProduct": deprecated_product},
            "Product": {"__resolve_reference": product_reference},
            "DeprecatedProduct": {"__resolve_reference": deprecated_product_reference},
            "ProductResearch": {"__resolve_reference": research_reference},
            "User": {
                "__resolve_reference": user_reference,
                "averageProductsCreatedPerYear": average_products_created_per_year,
            },
            "Inventory": {"__resolve_reference": inventory_reference},
        },
    )
