"""Policies for the authorization tests, loaded by name from configuration."""

from __future__ import annotations

import asyncio
from typing import Any


async def hr(claims: Any, _context: Any) -> bool:
    await asyncio.sleep(0)  # an async policy
    return bool(claims) and claims.get("dept") == "hr"
