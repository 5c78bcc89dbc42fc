"""A sharded model for the sharding tests: users sharded by their id, their orders by user_id,
on the same shards (a user's orders live with the user)."""

from __future__ import annotations

import hansa
from hansa.scalars import ID


@hansa.type(database="shop", sql_source="tb_user", key="id", shard_key="id")
class User:
    id: int
    name: str
    orders: list[Order] = hansa.federated(database="shop", local_key="id", remote_key="user_id")


@hansa.type(database="shop", sql_source="tb_order", key="id")
class Order:
    id: ID
    user_id: int
    total: int


@hansa.query()
def users(limit: int = 50) -> list[User]: ...


@hansa.query()
def user(id: int) -> User | None: ...


@hansa.mutation(operation="CREATE")
def create_user(id: int, name: str) -> User: ...


@hansa.mutation(operation="CREATE")
def create_order(id: ID, user_id: int, total: int) -> Order: ...


@hansa.mutation(operation="UPDATE")
def rename_user(id: int, name: str) -> User: ...
