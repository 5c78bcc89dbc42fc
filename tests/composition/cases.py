"""The composition fixture corpus (``tests/composition/cases``): subgraph SDL files and what
``@apollo/composition`` made of them, recorded by ``scripts/record-composition``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hansa.composition import SubgraphInput

CASES = Path(__file__).resolve().parent / "cases"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path

    def subgraphs(self) -> list[SubgraphInput]:
        files = sorted((self.path / "subgraphs").glob("*.graphql"))
        return [
            SubgraphInput(f.stem, f"http://{f.stem}.invalid/graphql", f.read_text()) for f in files
        ]

    def json(self, name: str) -> Any:
        return json.loads((self.path / name).read_text())


def cases(kind: str) -> list[Case]:
    return [Case(p.name, p) for p in sorted((CASES / kind).iterdir()) if (p / "subgraphs").is_dir()]
