"""Hansa: a GraphQL federation platform.

The database-subgraph API is here, for models written as ``import hansa``::

    @hansa.type(database="primary", sql_source="tb_order", key="id")
    class Order: ...

It is imported on first use, so ``import hansa`` stays light for the gateway and the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name in ``hansa`` → (module, attribute)
_DB_API = {
    "type": ("hansa.db.model", "type_"),
    "federated": ("hansa.db.model", "federated"),
    "column": ("hansa.db.model", "column"),
    "context": ("hansa.db.model", "context"),
    "query": ("hansa.db.model", "query"),
    "mutation": ("hansa.db.model", "mutation"),
    "TenantContext": ("hansa.db.context", "TenantContext"),
}

if TYPE_CHECKING:
    from hansa.db.context import TenantContext
    from hansa.db.model import column, context, federated, mutation, query
    from hansa.db.model import type_ as type


def __getattr__(name: str) -> Any:
    if name in _DB_API:
        import importlib

        module, attribute = _DB_API[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'hansa' has no attribute {name!r}")


__all__ = [
    "TenantContext",
    "__version__",
    "column",
    "context",
    "federated",
    "mutation",
    "query",
    "type",
]
