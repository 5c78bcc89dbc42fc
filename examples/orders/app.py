"""The seed's orders example: users and orders in PostgreSQL (``primary``), order metrics in a
warehouse (``warehouse``, SQLite here), legacy orders in MariaDB (``legacy``), one graph.

    hansa db serve examples.orders.app --config examples/orders/hansa.toml --port 4010
"""

from __future__ import annotations

import hansa
from hansa.scalars import ID, DateTime, Decimal


@hansa.type(database="primary", sql_source="tb_user", key="id")
class User:
    """A customer."""

    id: ID
    name: str
    email: str | None
    orders: list[Order] = hansa.federated(database="primary", local_key="id", remote_key="user_id")


@hansa.type(database="primary", sql_source="tb_order", key="id", version="version")
class Order:
    id: ID
    user_id: ID
    total: Decimal
    created_at: DateTime
    version: int
    user: User = hansa.federated(database="primary", lookup="user_id")
    metrics: OrderMetrics = hansa.federated(
        database="warehouse", local_key="id", remote_key="order_id", type_conversion=str
    )
    legacy: LegacyOrder = hansa.federated(
        database="legacy",
        local_key="id",
        remote_key="order_id",
        type_conversion=str,
        batch_size=100,
    )


@hansa.type(database="warehouse", sql_source="order_metrics", key="order_id")
class OrderMetrics:
    order_id: ID
    views: int
    conversion_rate: float


@hansa.type(database="legacy", sql_source="legacy_orders", key="order_id")
class LegacyOrder:
    order_id: ID
    legacy_status: str
    imported_at: DateTime | None


@hansa.query(sql_source="v_order")
def orders(ctx: hansa.TenantContext, limit: int = 50) -> list[Order]: ...


@hansa.query()
def users(limit: int = 50) -> list[User]: ...


@hansa.query()
def user(id: ID) -> User | None: ...


@hansa.mutation(operation="CREATE")
def create_order(ctx: hansa.TenantContext, user_id: ID, total: Decimal) -> Order: ...


@hansa.mutation(operation="UPDATE")
def update_order(id: ID, total: Decimal, version: int | None = None) -> Order: ...


@hansa.mutation(operation="DELETE")
def delete_order(id: ID) -> Order: ...
