"""An interface whose implementations differ per subgraph (different ``join__implements``).

``zoo`` and ``farm`` both define the value interface ``Animal { id name }``. In ``zoo`` it is
implemented by ``Dog`` and ``Cat``; in ``farm`` by ``Cow`` and ``Sheep``, and ``farm`` also
has ``Dog`` (an entity shared with ``zoo``, adding ``herds``) that does *not* implement
``Animal`` there. In the supergraph ``Animal`` has all four implementations, so:

- the interface's own fields from both roots;
- implementation fragments, one of which needs an entity fetch to the other subgraph
  (``Dog.herds`` from ``farm`` for dogs found in ``zoo``);
- fragments on implementations the fetching subgraph does not know (``Cow`` under
  ``zooAnimals``, ``Cat`` under ``farmAnimals``): they can never match and must not be sent;
- a ``Dog`` fragment under ``farmAnimals``: ``farm`` knows ``Dog`` but not as an ``Animal``;
- an ``Animal`` fragment inside a ``Dog`` selection served by ``farm``, where ``... on Animal``
  would be invalid: the planner must turn it into plain field selections.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ZOO: dict[str, dict[str, Any]] = {
    "d1": {"__typename": "Dog", "id": "d1", "name": "Rex", "breed": "collie"},
    "c1": {"__typename": "Cat", "id": "c1", "name": "Tom", "lives": 9},
    "d2": {"__typename": "Dog", "id": "d2", "name": "Fido", "breed": "beagle"},
}

ZOO_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  zooAnimals: [Animal!]!
  animal(id: ID!): Animal
}

interface Animal {
  id: ID!
  name: String
}

type Dog implements Animal @key(fields: "id") {
  id: ID!
  name: String @shareable
  breed: String
}

type Cat implements Animal @key(fields: "id") {
  id: ID!
  name: String
  lives: Int
}
"""

zoo = Subgraph(
    "zoo",
    ZOO_SDL,
    {
        "Query": {
            "zooAnimals": lambda _root, _info: list(ZOO.values()),
            "animal": lambda _root, _info, id: ZOO.get(id),
        },
        "Dog": {"__resolve_reference": lambda rep, _info: ZOO.get(rep["id"])},
        "Cat": {"__resolve_reference": lambda rep, _info: ZOO.get(rep["id"])},
    },
)

FARM: dict[str, dict[str, Any]] = {
    "w1": {"__typename": "Cow", "id": "w1", "name": "Daisy", "milkYield": 28},
    "s1": {"__typename": "Sheep", "id": "s1", "name": "Dolly", "woolColor": "white"},
    "w2": {"__typename": "Cow", "id": "w2", "name": "Bella", "milkYield": 31},
}
FARM_DOGS: dict[str, dict[str, Any]] = {
    "d1": {"id": "d1", "name": "Rex", "herds": True},
    "d2": {"id": "d2", "name": "Fido", "herds": False},
}

FARM_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  farmAnimals: [Animal!]!
  farmDogs: [Dog!]!
}

interface Animal {
  id: ID!
  name: String
}

type Cow implements Animal @key(fields: "id") {
  id: ID!
  name: String
  milkYield: Int
}

type Sheep implements Animal @key(fields: "id") {
  id: ID!
  name: String
  woolColor: String
}

type Dog @key(fields: "id") {
  id: ID!
  name: String @shareable
  herds: Boolean
}
"""

farm = Subgraph(
    "farm",
    FARM_SDL,
    {
        "Query": {
            "farmAnimals": lambda _root, _info: list(FARM.values()),
            "farmDogs": lambda _root, _info: list(FARM_DOGS.values()),
        },
        "Cow": {"__resolve_reference": lambda rep, _info: FARM.get(rep["id"])},
        "Sheep": {"__resolve_reference": lambda rep, _info: FARM.get(rep["id"])},
        "Dog": {"__resolve_reference": lambda rep, _info: FARM_DOGS.get(rep["id"])},
    },
)

SUBGRAPHS = [zoo, farm]

QUERIES = [
    Query(
        "interface-fields-from-both-roots",
        "{ zooAnimals { __typename id name } farmAnimals { __typename id name } }",
    ),
    Query(
        "implementation-fragments-with-cross-subgraph-field",
        "{ zooAnimals { name ... on Dog { breed herds } ... on Cat { lives } } }",
    ),
    Query(
        "fragments-on-types-unknown-to-fetching-subgraph",
        """
        {
          zooAnimals { id ... on Cow { milkYield } ... on Sheep { woolColor } }
          farmAnimals { id ... on Cat { lives } ... on Cow { milkYield } }
        }
        """,
    ),
    Query(
        "dog-fragment-where-dog-is-not-an-animal",
        """
        query Dogs($id: ID!) {
          farmAnimals { ...Named ... on Dog { herds } }
          animal(id: $id) { ...Named ... on Dog { herds } }
        }
        fragment Named on Animal { __typename label: name }
        """,
        variables={"id": "d2"},
    ),
    Query(
        "interface-fragment-inside-type-not-implementing-it-there",
        """
        {
          farmDogs {
            id
            herds
            ... on Animal { __typename name }
            ...DogAnimal
          }
        }
        fragment DogAnimal on Animal { ... on Dog { breed } }
        """,
    ),
]
