"""What a resolver sees of its request: ``hansa.TenantContext``.

A root field's function may take a parameter annotated ``hansa.TenantContext``; it gets the
request's tenant (from the tenant header the gateway forwards), its headers, and SQL access to
the configured databases — ``fetch``/``execute`` run inside the request's transaction on that
database when there is one (a mutation's), so a function body's own statements commit or roll
back with the generated ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hansa.db.runtime import RequestState


class TenantContext:
    def __init__(self, state: RequestState) -> None:
        self._state = state

    @property
    def tenant_id(self) -> str | None:
        return self._state.tenant

    @property
    def headers(self) -> Mapping[str, str]:
        return self._state.headers

    def get(self, name: str) -> Any:
        """A context value by name (``hansa.context(name)`` in filters reads the same)."""
        return self._state.value(name)

    async def fetch(
        self, database: str, sql: str, params: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        """Rows of a statement with bound parameters, in the dialect's placeholder style."""
        return await self._state.fetch(database, sql, params)

    async def execute(self, database: str, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement in this request's transaction on ``database``; rows changed."""
        return await self._state.execute(database, sql, params)
