"""The Grafana dashboard and the Prometheus alert rules in ``docs/monitoring/`` name only
metrics a running gateway exports (scraped after traffic that exercises the caches and a
circuit breaker), so a renamed metric cannot silently blank a panel or an alert."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from hansa.cache.settings import CacheSettings
from hansa.demo import accounts, products, reviews
from hansa.plugins.circuit_breaker import BreakerPolicy
from tests.support.federation import federation
from tests.support.http import post_graphql, request

MONITORING = Path(__file__).resolve().parents[2] / "docs/monitoring"
NAME = re.compile(r"\b((?:hansa|process)_[a-z_]+)")


def _names(text: str) -> set[str]:
    return set(NAME.findall(text))


def _expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    found = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    found += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    return found


def test_every_metric_the_dashboard_and_alerts_use_is_exported() -> None:
    cache = CacheSettings(default_max_age=60)
    breaker = BreakerPolicy(failure_threshold=1, recovery_timeout=30, success_threshold=1)
    with federation(
        accounts, products, reviews, down=["reviews"], cache=cache, circuit_breaker=breaker
    ) as url:
        post_graphql(url, "{ topProducts { name reviews { body } } }")
        post_graphql(url, "{ me { name } }")
        post_graphql(url, "{ me { name } }")
        scraped = request(url.removesuffix("/graphql") + "/metrics", method="GET").body.decode()
    exported = {
        line.split("{")[0].split(" ")[0] for line in scraped.splitlines() if line[:1].isalpha()
    }
    expressions = _expressions()
    assert len(expressions) >= 10
    used = set().union(*(_names(e) for e in expressions))
    missing = sorted(name for name in used if name not in exported)
    assert not missing, missing
