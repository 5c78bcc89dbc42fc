"""The plan-shape reader used by the plan-quality test, on Apollo's printed plan format."""

from __future__ import annotations

from tests.planner.plan_shape import Shape, apollo_shape

FETCH = """{name}Fetch(service: "{service}") {{
{name}  {{
{name}    a {{
{name}      b
{name}    }}
{name}  }}
{name}}},"""


def _fetch(service: str, indent: int) -> str:
    return FETCH.format(name=" " * indent, service=service)


def test_sequence_of_a_fetch_and_parallel_entity_fetches() -> None:
    text = "\n".join(
        [
            "QueryPlan {",
            "  Sequence {",
            _fetch("a", 4),
            "    Parallel {",
            '      Flatten(path: "a.@") {',
            _fetch("b", 8),
            "      },",
            '      Flatten(path: "a.@.c") {',
            _fetch("c", 8),
            "      },",
            "    },",
            "  },",
            "}",
        ]
    )
    assert apollo_shape(text, {}) == Shape(fetches=3, steps=2)


def test_conditions_follow_the_variables() -> None:
    text = "\n".join(
        [
            "QueryPlan {",
            "  Sequence {",
            _fetch("a", 4),
            "    Include(if: $more) {",
            '      Flatten(path: "a") {',
            _fetch("b", 8),
            "      },",
            "    },",
            "  },",
            "}",
        ]
    )
    assert apollo_shape(text, {"more": True}) == Shape(fetches=2, steps=2)
    assert apollo_shape(text, {"more": False}) == Shape(fetches=1, steps=1)


def test_empty_plan() -> None:
    assert apollo_shape("QueryPlan {}", {}) == Shape(0, 0)
