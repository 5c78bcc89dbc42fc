"""A model over a primary with a read replica, for the replica tests."""

from __future__ import annotations

import hansa


@hansa.type(database="main", sql_source="tb_item", key="id")
class Item:
    id: int
    name: str
    owner_id: int
    owner: Owner = hansa.federated(database="main", lookup="owner_id", consistency="strong")


@hansa.type(database="main", sql_source="tb_owner", key="id")
class Owner:
    id: int
    name: str


@hansa.query()
def item(id: int) -> Item | None: ...


@hansa.mutation(operation="CREATE")
def create_item(id: int, name: str, owner_id: int) -> Item: ...
