"""A @shareable root field in three subgraphs, each covering different fields of what it returns.

``Query.topCity: City`` and ``Query.cities: [City!]!`` are ``@shareable`` in ``geo``, ``weather``
and ``people``. ``City`` is an entity (``@key(fields: "code")``): ``geo`` has ``name`` and
``location: Coordinates`` (a shareable value type, ``lat`` in ``geo`` and ``weather``, ``lon``
in ``geo`` only), ``weather`` has ``forecast`` and ``location { lat }``, ``people`` has
``population`` and a shareable ``name``. ``Query.fact: Fact`` (a shareable value type with
``text`` in all, ``source`` only in ``people``) is shareable too.

Each subgraph's data of the shared fields is identical for what they share (as shareable
demands) except ``weather``'s ``Coordinates.lat``, rounded to whole degrees, so an answer shows
when ``lat`` came from ``weather``. Whichever subgraph serves the root, every field must come
from one that has it, in as few fetches as possible; value-type fields that the chosen subgraph
lacks (``Fact.source``, ``Coordinates.lon``) force the root to a subgraph that has them.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

CITIES: dict[str, dict[str, Any]] = {
    "LIS": {"code": "LIS", "name": "Lisbon", "lat": 38.72, "lon": -9.14, "pop": 545000},
    "OSL": {"code": "OSL", "name": "Oslo", "lat": 59.91, "lon": 10.75, "pop": 709000},
    "NBO": {"code": "NBO", "name": "Nairobi", "lat": -1.29, "lon": 36.82, "pop": 4397000},
}
ORDER = ["OSL", "LIS", "NBO"]
FORECAST = {"LIS": "sunny", "OSL": "snow", "NBO": "rain"}

GEO_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  topCity: City @shareable
  cities: [City!]! @shareable
  fact: Fact @shareable
}

type City @key(fields: "code") {
  code: ID!
  name: String @shareable
  location: Coordinates @shareable
}

type Coordinates @shareable {
  lat: Float
  lon: Float
}

type Fact @shareable {
  text: String
}
"""


def _geo(code: str) -> dict[str, Any]:
    c = CITIES[code]
    return {"code": code, "name": c["name"], "location": {"lat": c["lat"], "lon": c["lon"]}}


geo = Subgraph(
    "geo",
    GEO_SDL,
    {
        "Query": {
            "topCity": lambda _r, _i: _geo("LIS"),
            "cities": lambda _r, _i: [_geo(c) for c in ORDER],
            "fact": lambda _r, _i: {"text": "Three capitals."},
        },
        "City": {"__resolve_reference": lambda rep, _i: _geo(rep["code"])},
    },
)

WEATHER_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  topCity: City @shareable
  cities: [City!]! @shareable
  fact: Fact @shareable
}

type City @key(fields: "code") {
  code: ID!
  forecast: String
  location: Coordinates @shareable
}

type Coordinates @shareable {
  lat: Float
}

type Fact @shareable {
  text: String
}
"""


def _wx(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "forecast": FORECAST[code],
        "location": {"lat": round(CITIES[code]["lat"])},
    }


weather = Subgraph(
    "weather",
    WEATHER_SDL,
    {
        "Query": {
            "topCity": lambda _r, _i: _wx("LIS"),
            "cities": lambda _r, _i: [_wx(c) for c in ORDER],
            "fact": lambda _r, _i: {"text": "Three capitals."},
        },
        "City": {"__resolve_reference": lambda rep, _i: _wx(rep["code"])},
    },
)

PEOPLE_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  topCity: City @shareable
  cities: [City!]! @shareable
  fact: Fact @shareable
}

type City @key(fields: "code") {
  code: ID!
  name: String @shareable
  population: Int
}

type Fact @shareable {
  text: String
  source: String
}
"""


def _ppl(code: str) -> dict[str, Any]:
    c = CITIES[code]
    return {"code": code, "name": c["name"], "population": c["pop"]}


people = Subgraph(
    "people",
    PEOPLE_SDL,
    {
        "Query": {
            "topCity": lambda _r, _i: _ppl("LIS"),
            "cities": lambda _r, _i: [_ppl(c) for c in ORDER],
            "fact": lambda _r, _i: {"text": "Three capitals.", "source": "census"},
        },
        "City": {"__resolve_reference": lambda rep, _i: _ppl(rep["code"])},
    },
)

SUBGRAPHS = [geo, weather, people]

QUERIES = [
    Query(
        "fields-of-one-subgraph-each",
        "{ topCity { code forecast } cities { code population } }",
    ),
    Query(
        "fields-from-all-three",
        "{ cities { code name forecast population } }",
    ),
    Query(
        "value-type-field-only-one-subgraph-has",
        "{ fact { text source } }",
    ),
    Query(
        "nested-value-type-lon-only-in-geo",
        "{ topCity { forecast location { lat lon } } }",
    ),
    Query(
        "lat-alone-with-population",
        "{ cities { population location { lat } } }",
    ),
    Query(
        "aliased-roots-with-different-coverage",
        """
        query Mixed($withPop: Boolean!) {
          a: topCity { name forecast }
          b: topCity { population @include(if: $withPop) location { lon } }
          f: fact { text }
          g: fact { source }
        }
        """,
        variables={"withPop": True},
    ),
]
