"""Hits and misses of a cache, as ``/health/ready`` and the metrics report them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hansa.cache.store import CacheStore


@dataclass
class CacheCounters:
    """Lookups answered from a cache (``hits``) and not (``misses``)."""

    hits: int = 0
    misses: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def detail(self, store: CacheStore) -> dict[str, Any]:
        """What ``/health/ready`` says of a cache."""
        return {
            "hit_rate": round(self.hit_rate, 4),
            "hits": self.hits,
            "misses": self.misses,
            "store": "down" if store.down else "up",
        }
