"""@requires of fields that take arguments, while the client selects those fields with others.

``catalog`` owns ``Item @key(fields: "sku")`` with ``price(currency: String! = "USD"): Float``
(``""`` is a currency the owner answers null for, without error) and ``label(lang: String)``
(``""`` and null both mean the house language, answered in capitals). ``tax`` declares both
``@external`` and computes

- ``vat: Float @requires(fields: "price(currency: \\"EUR\\")")`` (20% of the euro price),
- ``sticker: String @requires(fields: "label(lang: \\"fr\\") price(currency: \\"EUR\\")")``.

Prices differ per currency (``EUR`` = ``USD`` times 0.5 here, ``GBP`` times 0.25) so a requirement
answered with the client's arguments, or a client field answered with the requirement's, shows
in the numbers. Queries select ``price`` under aliases with literal, variable, default and empty
arguments alongside the requiring fields, through a fragment and from an entity jump.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ITEMS: dict[str, dict[str, Any]] = {
    "s1": {"sku": "s1", "usd": 100.0, "labels": {"en": "Kettle", "fr": "Bouilloire"}},
    "s2": {"sku": "s2", "usd": 40.0, "labels": {"en": "Toaster", "fr": "Grille-pain"}},
    "s3": {"sku": "s3", "usd": 8.0, "labels": {"en": "Spoon", "fr": "Cuillère"}},
}
RATES = {"USD": 1.0, "EUR": 0.5, "GBP": 0.25}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  items: [Item!]!
  item(sku: ID!): Item
}

type Item @key(fields: "sku") {
  sku: ID!
  price(currency: String! = "USD"): Float
  label(lang: String): String
}
"""


def _price(item: dict[str, Any], _info: Any, currency: str = "USD") -> float | None:
    rate = RATES.get(currency)
    return None if rate is None else item["usd"] * rate


def _label(item: dict[str, Any], _info: Any, lang: str | None = None) -> str:
    if not lang:
        return item["labels"]["en"].upper()
    return item["labels"].get(lang, item["labels"]["en"])


catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {
            "items": lambda _root, _info: list(ITEMS.values()),
            "item": lambda _root, _info, sku: ITEMS.get(sku),
        },
        "Item": {
            "price": _price,
            "label": _label,
            "__resolve_reference": lambda rep, _info: ITEMS.get(rep["sku"]),
        },
    },
)

TAX_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

type Query {
  audited: [Item!]!
}

type Item @key(fields: "sku") {
  sku: ID!
  price(currency: String! = "USD"): Float @external
  label(lang: String): String @external
  vat: Float @requires(fields: "price(currency: \\"EUR\\")")
  sticker: String @requires(fields: "label(lang: \\"fr\\") price(currency: \\"EUR\\")")
}
"""


def _vat(item: dict[str, Any], _info: Any) -> float | None:
    price = item.get("price")
    return None if price is None else round(price * 0.2, 2)


def _sticker(item: dict[str, Any], _info: Any) -> str:
    price = item.get("price")
    return f"{item.get('label')} — {'?' if price is None else format(price, '.2f')} EUR"


tax = Subgraph(
    "tax",
    TAX_SDL,
    {
        "Query": {"audited": lambda _root, _info: [{"sku": "s3"}, {"sku": "s1"}]},
        "Item": {
            "vat": _vat,
            "sticker": _sticker,
            "__resolve_reference": lambda rep, _info: dict(rep),
        },
    },
)

SUBGRAPHS = [catalog, tax]

QUERIES = [
    Query(
        "requirement-alone",
        "{ items { sku vat sticker } }",
    ),
    Query(
        "client-price-other-currency-with-vat",
        '{ items { sku price(currency: "GBP") vat } }',
    ),
    Query(
        "client-default-and-empty-arguments",
        """
        {
          item(sku: "s2") {
            price
            empty: price(currency: "")
            label
            blank: label(lang: "")
            sticker
          }
        }
        """,
    ),
    Query(
        "variables-aliases-same-field-as-requirement",
        """
        query P($cur: String!, $lang: String) {
          items {
            sku
            eur: price(currency: "EUR")
            mine: price(currency: $cur)
            label(lang: $lang)
            vat
            sticker
          }
        }
        """,
        variables={"cur": "USD", "lang": "en"},
    ),
    Query(
        "requiring-fields-from-tax-root-with-fragment",
        """
        query Audit($cur: String!) {
          audited { ...Priced vat }
        }
        fragment Priced on Item { sku price(currency: $cur) label(lang: "fr") sticker }
        """,
        variables={"cur": ""},
    ),
    Query(
        "client-price-under-requirement-alias-name",
        """
        {
          items { price: price(currency: "GBP") euro: price(currency: "EUR") vat }
        }
        """,
    ),
]
