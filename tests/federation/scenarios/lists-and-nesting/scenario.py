"""Lists of lists, deep nesting across subgraphs, empty lists, entities inside nested lists.

``geo`` owns the world tree (``World > Continent > Country > Region > City``), a grid of
``Cell`` entities (``[[Cell!]!]!``), scalar matrices and ``Person``; ``weather`` adds to
``City`` a forecast matrix, a ``mayor`` (a ``Person`` whose fields live back in ``geo``) and
``twins`` (a ``[[City!]!]`` of cities again), and to ``Cell`` a terrain and a tag matrix. Entity
fetches therefore start from paths such as ``grid.@.@`` and
``world.continents.@.countries.@.regions.@.cities.@.mayor``, a deep query goes
geo → weather → geo → weather, and several lists along the way are empty (no fetch is needed for
an empty list, and an empty list stays ``[]``, never ``null``).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

CITIES = {
    "c1": {"id": "c1", "name": "Lisbon"},
    "c2": {"id": "c2", "name": "Porto"},
    "c3": {"id": "c3", "name": "Nairobi"},
}
WORLD = {
    "name": "Earth",
    "continents": [
        {
            "name": "Europe",
            "countries": [
                {
                    "code": "PT",
                    "regions": [
                        {"name": "South", "cities": [CITIES["c1"]]},
                        {"name": "North", "cities": [CITIES["c2"]]},
                        {"name": "Islands", "cities": []},
                    ],
                },
                {"code": "AD", "regions": []},
            ],
        },
        {
            "name": "Africa",
            "countries": [
                {"code": "KE", "regions": [{"name": "Central", "cities": [CITIES["c3"]]}]}
            ],
        },
        {"name": "Antarctica", "countries": []},
    ],
}
PEOPLE = {
    "m1": {"id": "m1", "name": "Carla", "visited": [["c2", "c3"], [], None]},
    "m2": {"id": "m2", "name": "Rui", "visited": [["c1"]]},
}
CELLS = {f"{x}{y}": {"id": f"{x}{y}", "x": x, "y": y} for x in range(2) for y in range(3)}

geo = Subgraph(
    "geo",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      matrix: [[Int]]
      grid: [[Cell!]!]!
      emptyGrid: [[Cell!]!]!
      world: World!
      noCities: [City!]!
    }

    type World {
      name: String!
      continents: [Continent!]!
    }

    type Continent {
      name: String!
      countries: [Country!]!
    }

    type Country {
      code: String!
      regions: [Region!]!
    }

    type Region {
      name: String!
      cities: [City!]!
    }

    type City @key(fields: "id") {
      id: ID!
      name: String!
    }

    type Cell @key(fields: "id") {
      id: ID!
      x: Int!
      y: Int!
    }

    type Person @key(fields: "id") {
      id: ID!
      name: String!
      visited: [[City!]]
    }
    """,
)


@geo.field("Query", "matrix")
def matrix(_root: Any, _info: Any) -> list[Any]:
    return [[1, 2, 3], [None], [], None, [4]]


@geo.field("Query", "grid")
def grid(_root: Any, _info: Any) -> list[list[dict[str, Any]]]:
    return [[CELLS[f"{x}{y}"] for y in range(3)] for x in range(2)]


@geo.field("Query", "emptyGrid")
def empty_grid(_root: Any, _info: Any) -> list[list[dict[str, Any]]]:
    return [[], []]


@geo.field("Query", "world")
def world(_root: Any, _info: Any) -> dict[str, Any]:
    return WORLD


@geo.field("Query", "noCities")
def no_cities(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return []


@geo.field("Person", "visited")
def visited(person: dict[str, Any], _info: Any) -> list[Any]:
    return [None if row is None else [CITIES[c] for c in row] for row in person["visited"]]


@geo.reference("City")
def geo_city(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return CITIES.get(rep["id"])


@geo.reference("Cell")
def geo_cell(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return CELLS.get(rep["id"])


@geo.references("Person")
def geo_people(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [PEOPLE.get(rep["id"]) for rep in reps]


weather = Subgraph(
    "weather",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type City @key(fields: "id") {
      id: ID!
      forecast: [[Float!]!]!
      mayor: Person
      twins: [[City!]!]
    }

    type Person @key(fields: "id") {
      id: ID!
    }

    type Cell @key(fields: "id") {
      id: ID!
      terrain: String
      tags: [[String]]
    }
    """,
)

FORECASTS = {"c1": [[21.5, 23.0], [19.0]], "c2": [[17.5], []], "c3": [[25.0, 26.5, 24.0]]}
MAYORS = {"c1": "m2", "c2": "m1", "c3": None}
TWINS = {"c1": [["c2"], ["c3", "c1"]], "c2": [], "c3": None}


@weather.reference("City")
def weather_city(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"]}


@weather.field("City", "forecast")
def forecast(city: dict[str, Any], _info: Any) -> list[list[float]]:
    return FORECASTS[city["id"]]


@weather.field("City", "mayor")
def mayor(city: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    person = MAYORS[city["id"]]
    return {"id": person} if person else None


@weather.field("City", "twins")
def twins(city: dict[str, Any], _info: Any) -> list[list[dict[str, Any]]] | None:
    rows = TWINS[city["id"]]
    return None if rows is None else [[{"id": c} for c in row] for row in rows]


@weather.reference("Cell")
def weather_cell(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    x, y = int(rep["id"][0]), int(rep["id"][1])
    terrain = ["sea", "sand", "rock"][(x + y) % 3]
    return {"id": rep["id"], "terrain": terrain, "tags": [[terrain, None], []] if x else None}


SUBGRAPHS = [geo, weather]

QUERIES = [
    Query(
        "lists-of-lists-of-scalars",
        """
        {
          matrix
          world { continents { countries { regions { cities { id forecast } } } } }
        }
        """,
    ),
    Query(
        "entities-inside-nested-lists",
        "{ grid { id x y terrain tags } }",
    ),
    Query(
        "deep-nesting-crossing-subgraphs-twice",
        """
        {
          world {
            name
            continents {
              name
              countries {
                code
                regions {
                  name
                  cities {
                    name
                    mayor {
                      name
                      visited { name forecast mayor { id } }
                    }
                  }
                }
              }
            }
          }
        }
        """,
    ),
    Query(
        "empty-lists",
        """
        {
          emptyGrid { id terrain }
          noCities { id name forecast }
          world {
            continents {
              countries { code regions { name cities { name twins { name } } } }
            }
          }
        }
        """,
    ),
    Query(
        "nested-entity-lists-back-and-forth",
        """
        {
          world {
            continents {
              countries {
                regions {
                  cities {
                    id
                    twins { id name forecast twins { name } }
                  }
                }
              }
            }
          }
        }
        """,
    ),
]
