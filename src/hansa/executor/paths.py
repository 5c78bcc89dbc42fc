"""Response paths as linked tuples: free to extend while walking, turned into lists only for
the rare error that needs one."""

from __future__ import annotations

from typing import Any

PathLink = tuple[Any, str | int] | None


def path_list(link: PathLink) -> list[str | int]:
    parts: list[str | int] = []
    while link is not None:
        link, key = link
        parts.append(key)
    parts.reverse()
    return parts
