"""A model over a primary with a read replica, for the replica tests."""

from __future__ import annotations

import hansa


@hansa.type(database="main", sql_source="tb_item", key="id")
class Item:
    id: int
    name: str
    owner_id: int
    owner: Owner = hansa.federated(database="main", lookup="owner_id", consistency="strong")
    locked_owner: Owner = hansa.federated(
        database="main", lookup="owner_id", consistency="strong", locking="distributed"
    )


@hansa.type(database="main", sql_source="tb_owner", key="id")
class Owner:
    id: int
    name: str


@hansa.query()
def item(id: int) -> Item | None: ...


@hansa.mutation(operation="CREATE")
def create_item(id: int, name: str, owner_id: int) -> Item: ...


@hansa.mutation(operation="UPDATE")
def rename_owner(id: int, name: str) -> Owner: ...
