"""References whose key fields are null or partly null: composite and nested keys, in lists.

``Seat`` is keyed by ``@key(fields: "row number")`` and ``Locker`` by ``@key(fields: "owner { id }
slot")``; ``venue`` owns both (``price``, ``size``). ``tickets`` returns references to them from
its own data, some broken: a seat with a null ``row`` (number present), one with a null
``number``, one with both null, a locker whose ``owner`` is null, one whose ``owner.id`` is null,
and whole null references, in plain lists, lists of nullable items and nested under a nullable
``Booking.seat``. ``venue``'s reference resolvers answer a *labelled* object for a partly null key
(``"matched row only"``), so whether a representation with a null part was sent, and to whom its
answer went, shows in the data; for an all-null key they answer null. ``Seat.price`` is ``Int!``
so a null entity under a non-null field propagates.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SEATS = {("A", 1): 50, ("A", 2): 55, ("B", 1): 30}
LOCKERS = {("u1", 1): "S", ("u1", 2): "L", ("u2", 1): "M"}

VENUE_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  seat(row: String!, number: Int!): Seat
}

type Seat @key(fields: "row number") {
  row: String
  number: Int
  price: Int!
  note: String
}

type Owner {
  id: ID
}

type Locker @key(fields: "owner { id } slot") {
  owner: Owner
  slot: Int
  size: String
}
"""


def _seat_ref(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    row, number = rep.get("row"), rep.get("number")
    if row is None and number is None:
        return None
    if row is None or number is None:
        return {"row": row, "number": number, "price": 0, "note": "matched row only"}
    price = SEATS.get((row, number))
    return None if price is None else {"row": row, "number": number, "price": price, "note": "ok"}


def _locker_ref(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    owner = rep.get("owner")
    owner_id = owner.get("id") if owner else None
    slot = rep.get("slot")
    if owner_id is None:
        return {"owner": owner, "slot": slot, "size": f"orphan slot {slot}"}
    return {"owner": owner, "slot": slot, "size": LOCKERS.get((owner_id, slot))}


venue = Subgraph(
    "venue",
    VENUE_SDL,
    {
        "Query": {
            "seat": lambda _r, _i, row, number: _seat_ref({"row": row, "number": number}, _i)
        },
        "Seat": {"__resolve_reference": _seat_ref},
        "Locker": {"__resolve_reference": _locker_ref},
    },
)

TICKETS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  tickets: [Ticket!]!
  bookings: [Booking]
}

type Ticket {
  id: ID!
  seat: Seat!
  seats: [Seat]
}

type Booking {
  id: ID!
  seat: Seat
  lockers: [Locker!]
}

type Seat @key(fields: "row number") {
  row: String
  number: Int
}

type Owner {
  id: ID
}

type Locker @key(fields: "owner { id } slot") {
  owner: Owner
  slot: Int
}
"""


def _s(row: str | None, number: int | None) -> dict[str, Any]:
    return {"row": row, "number": number}


TICKETS = [
    {"id": "t1", "seat": _s("A", 1), "seats": [_s("A", 2), None, _s(None, 2)]},
    {"id": "t2", "seat": _s("B", None), "seats": [_s(None, None), _s("B", 1)]},
    {"id": "t3", "seat": _s("Z", 9), "seats": []},
]
BOOKINGS = [
    {
        "id": "b1",
        "seat": _s("A", 1),
        "lockers": [{"owner": {"id": "u1"}, "slot": 2}, {"owner": None, "slot": 1}],
    },
    None,
    {"id": "b2", "seat": None, "lockers": [{"owner": {"id": None}, "slot": 3}]},
    {"id": "b3", "seat": _s(None, None), "lockers": None},
    {"id": "b4", "seat": _s("B", 1), "lockers": [{"owner": {"id": "u2"}, "slot": 1}]},
]

tickets = Subgraph(
    "tickets",
    TICKETS_SDL,
    {
        "Query": {
            "tickets": lambda _root, _info: TICKETS,
            "bookings": lambda _root, _info: BOOKINGS,
        },
        "Seat": {"__resolve_reference": lambda rep, _info: dict(rep)},
        "Locker": {"__resolve_reference": lambda rep, _info: dict(rep)},
    },
)

SUBGRAPHS = [venue, tickets]

QUERIES = [
    Query(
        "composite-key-parts-null-in-list",
        "{ tickets { id seats { row number note } } }",
    ),
    Query(
        "non-null-seat-with-null-part-and-unknown-seat",
        "{ tickets { id seat { row number price note } } }",
    ),
    Query(
        "nullable-entity-all-null-key-propagates-price",
        "{ bookings { id seat { row price } } }",
    ),
    Query(
        "nested-key-with-null-object-and-null-id",
        "{ bookings { id lockers { slot owner { id } size } } }",
    ),
    Query(
        "key-fields-only-no-fetch-needed",
        "{ tickets { seats { row number } } bookings { lockers { owner { id } slot } } }",
    ),
    Query(
        "aliases-over-both-entities",
        """
        {
          bookings {
            where: seat { r: row cost: price n: note }
            box: lockers { s: size }
          }
        }
        """,
    ),
]
