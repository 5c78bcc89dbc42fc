"""Copies of one entity in two places: which one a field returns."""

from __future__ import annotations

from typing import Any

import hansa
from hansa.scalars import DateTime


def prefer_the_warehouse(primary: Any, candidates: list[Any]) -> Any:
    """A Python resolver: the warehouse's copy wins whatever its age."""
    return next((c for c in candidates if c["origin"] == "warehouse"), candidates[0])


@hansa.type(database="shop", sql_source="product", key="sku")
class Product:
    sku: str
    name: str
    newest: Stock = hansa.federated(
        database="stock",
        local_key="sku",
        remote_key="sku",
        conflict_resolution="last_write_wins",
        timestamp_field="updated_at",
    )
    chosen: Stock = hansa.federated(
        database="stock",
        local_key="sku",
        remote_key="sku",
        conflict_resolution=prefer_the_warehouse,
    )


@hansa.type(database="stock", sql_source="stock", key="id")
class Stock:
    id: int
    sku: str
    origin: str
    quantity: int
    updated_at: DateTime


@hansa.query()
def products(limit: int = 10) -> list[Product]: ...
