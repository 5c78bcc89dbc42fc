"""``CONTEXT_NAME_INVALID``: ``@context`` names become part of supergraph names
(``subgraph__name``), so they are alphanumeric, without underscores."""

from __future__ import annotations

import re

from hansa.composition.rules._common import is_fed_directive
from hansa.composition.rules.context import SubgraphContext


def context_name_invalid(context: SubgraphContext) -> None:
    if not is_fed_directive(context.subgraph, "context"):
        return
    for t in context.subgraph.types.values():
        if t.kind not in ("object", "interface", "union"):
            continue
        for d in t.all("context"):
            name = d.string("name")
            if name is None:
                continue
            if "_" in name:
                context.report(
                    "CONTEXT_NAME_INVALID",
                    f'Context name "{name}" may not contain an underscore.',
                    d,
                )
            elif not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
                context.report(
                    "CONTEXT_NAME_INVALID",
                    f'Context name "{name}" is invalid. It should have only alphanumeric '
                    "characters.",
                    d,
                )
