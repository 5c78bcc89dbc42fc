"""What clients used, read from the gateway's usage reports (``plugins/usage.py``), and the pass
that lowers a breaking change nobody would notice.

A report covers one period (``from``, ``to``) and counts operations (``operations``), field
coordinates (``fields``) and, since reports carry them, field and argument coordinates per
client name (``clients``; ``""`` for requests without a client name). A report written before
``clients`` existed counts its ``fields`` under ``""`` and has no argument coordinates: while
any such report is in the window, an argument's usage is its field's (``has_argument_data``).
Each report belongs to the day (UTC) of its ``to``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from hansa.registry.checks.changes import Change
from hansa.registry.checks.coordinates import field_of_argument

# day -> client name -> coordinate -> requests
DailyUsage = Mapping[date, Mapping[str, Mapping[str, int]]]


class UsageError(ValueError):
    """A usage report that cannot be read (the check must not guess what it said)."""


@dataclass(frozen=True)
class OperationUsage:
    hash: str
    name: str | None
    document: str | None  # None when the report did not carry it (too long, older report)
    count: int

    def to_json(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "name": self.name,
            "document": self.document,
            "count": self.count,
        }


class Usage:
    """Usage over a window of reports: counts per coordinate and client, per day, and per
    operation."""

    def __init__(self) -> None:
        self.reports = 0
        self.first: datetime | None = None  # the earliest ``from``
        self.last: datetime | None = None  # the latest ``to``
        # Whether every report counted argument coordinates (``clients``).
        self.has_argument_data = True
        self._daily: defaultdict[date, defaultdict[str, Counter[str]]] = defaultdict(
            lambda: defaultdict(Counter)
        )
        self._totals: defaultdict[str, Counter[str]] = defaultdict(Counter)
        # hash -> [name, document, count, {client: count}]
        self._operations: dict[str, list[Any]] = {}

    @classmethod
    def from_reports(
        cls, reports: Iterable[Mapping[str, Any]], *, since: datetime | None = None
    ) -> Usage:
        """Usage from report objects; those ending before ``since`` are left out (a naive
        ``since`` is taken as UTC). Raises ``UsageError`` on a malformed report."""
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        usage = cls()
        for report in reports:
            usage._add(report, since)
        return usage

    @classmethod
    def from_json_lines(cls, text: str | bytes, *, since: datetime | None = None) -> Usage:
        """Usage from a usage file's contents (one report per line)."""
        lines = (text.encode() if isinstance(text, str) else text).splitlines()
        reports = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                reports.append(orjson.loads(line))
            except orjson.JSONDecodeError as error:
                raise UsageError(f"line {number}: not JSON ({error})") from None
        return cls.from_reports(reports, since=since)

    def _add(self, report: Mapping[str, Any], since: datetime | None) -> None:
        if not isinstance(report, Mapping):
            raise UsageError("a usage report must be a JSON object")
        end = _timestamp(report, "to")
        if since is not None and end < since:
            return
        start = _timestamp(report, "from") if "from" in report else end
        self.reports += 1
        self.first = start if self.first is None else min(self.first, start)
        self.last = end if self.last is None else max(self.last, end)
        day = self._daily[end.astimezone(UTC).date()]
        clients = report.get("clients")
        if isinstance(clients, Mapping):
            per_client: Mapping[str, Any] = clients
        else:
            self.has_argument_data = False
            per_client = {"": report.get("fields") or {}}
        for client, counts in per_client.items():
            if not isinstance(counts, Mapping):
                raise UsageError(f"clients.{client}: expected an object of counts")
            for coordinate, count in counts.items():
                n = _count(count, coordinate)
                day[client][coordinate] += n
                self._totals[client][coordinate] += n
        for operation in report.get("operations") or ():
            if not isinstance(operation, Mapping) or not isinstance(operation.get("hash"), str):
                raise UsageError("operations: each entry needs a hash")
            entry = self._operations.setdefault(operation["hash"], [None, None, 0, Counter()])
            entry[0] = operation.get("name") or entry[0]
            document = operation.get("document")
            if isinstance(document, str) and document:
                entry[1] = document
            n = _count(operation.get("count", 0), operation["hash"])
            entry[2] += n
            entry[3][str(operation.get("client_name") or "")] += n

    # Questions ----------------------------------------------------------------------------

    def count(self, coordinate: str, exclude_clients: Iterable[str] = ()) -> int:
        """Requests that used ``coordinate``, but those of ``exclude_clients``."""
        excluded = set(exclude_clients)
        return sum(
            counts.get(coordinate, 0)
            for client, counts in self._totals.items()
            if client not in excluded
        )

    def clients(self, coordinate: str) -> dict[str, int]:
        """Requests that used ``coordinate``, per client name (those that did)."""
        return {
            client: counts[coordinate]
            for client, counts in sorted(self._totals.items())
            if counts.get(coordinate)
        }

    def top_operations(
        self, n: int, exclude_clients: Iterable[str] = (), threshold: int = 0
    ) -> list[OperationUsage]:
        """The ``n`` operations run most (by clients other than ``exclude_clients``, more than
        ``threshold`` times), most first (ties by hash)."""
        excluded = set(exclude_clients)
        counted = [
            (hash, name, document, sum(c for k, c in clients.items() if k not in excluded))
            for hash, (name, document, _, clients) in self._operations.items()
        ]
        ranked = sorted(
            (e for e in counted if e[3] > max(threshold, 0)), key=lambda e: (-e[3], e[0])
        )
        return [OperationUsage(*entry) for entry in ranked[: max(n, 0)]]

    def per_day(self, coordinate: str, exclude_clients: Iterable[str] = ()) -> dict[date, int]:
        """Requests that used ``coordinate`` on each reported day (0 on days without)."""
        excluded = set(exclude_clients)
        return {
            day: sum(
                counts.get(coordinate, 0)
                for client, counts in clients.items()
                if client not in excluded
            )
            for day, clients in sorted(self._daily.items())
        }

    @property
    def daily(self) -> DailyUsage:
        """Per day (of each report's ``to``), per client, requests per coordinate. Every day a
        report ended on is present, even with nothing counted."""
        return self._daily

    def resolve(self, coordinate: str) -> str:
        """The coordinate usage can count: an argument's field when some report in the window
        did not count arguments."""
        if not self.has_argument_data:
            return field_of_argument(coordinate) or coordinate
        return coordinate

    def to_json(self) -> dict[str, Any]:
        """A summary (for a check's report)."""
        return {
            "reports": self.reports,
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "operations": len(self._operations),
            "has_argument_data": self.has_argument_data,
        }


def _timestamp(report: Mapping[str, Any], key: str) -> datetime:
    value = report.get(key)
    if not isinstance(value, str):
        raise UsageError(f"a usage report needs {key!r} (an ISO 8601 time)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{key!r}: not an ISO 8601 time: {value!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{where}: a count must be a non-negative integer, not {value!r}")
    return value


def usage_count(
    usage: Usage, coordinates: Iterable[str], exclude_clients: Iterable[str] = ()
) -> tuple[int, dict[str, int]]:
    """Requests using any of ``coordinates`` (each counted per coordinate), total and per
    client but the excluded ones."""
    excluded = set(exclude_clients)
    per_client: Counter[str] = Counter()
    for coordinate in dict.fromkeys(usage.resolve(c) for c in coordinates):
        for client, n in usage.clients(coordinate).items():
            if client not in excluded:
                per_client[client] += n
    return sum(per_client.values()), dict(sorted(per_client.items()))


def apply_usage(
    changes: Sequence[Change],
    usage: Usage,
    *,
    exclude_clients: Iterable[str] = (),
    threshold: int = 0,
) -> list[Change]:
    """Each breaking change whose usage coordinates (``Change.affects``) were used at most
    ``threshold`` times in the window, not counting ``exclude_clients``, becomes dangerous and
    says why; the others are returned as they are. Without any report nothing is lowered: no
    usage known is not the same as no usage. Changes usage cannot judge (directives) stay."""
    if usage.reports == 0:
        return list(changes)
    excluded = tuple(dict.fromkeys(exclude_clients))
    result: list[Change] = []
    for change in changes:
        if change.severity != "breaking" or change.affects is None:
            result.append(change)
            continue
        total, per_client = usage_count(usage, change.affects, excluded)
        if total <= threshold:
            reason = f"unused in the usage window ({total} requests, threshold {threshold}"
            if excluded:
                reason += ", not counting " + ", ".join(repr(c) for c in excluded)
            result.append(change.downgrade("dangerous", reason + ")"))
        else:
            used = ", ".join(
                f"{client or '(no client name)'}: {n}" for client, n in per_client.items()
            )
            result.append(
                Change(
                    change.code,
                    change.severity,
                    change.coordinate,
                    f"{change.message} Used by {total} requests in the usage window ({used}).",
                    change.downgraded,
                    change.affects,
                )
            )
    return result


def merge_reports(into: Mapping[str, Any] | None, report: Mapping[str, Any]) -> dict[str, Any]:
    """One report covering both periods (the registry keeps one per day): counts added,
    operations by hash and client, ``clients`` only while every merged report had it (so a
    window with an old report still falls back from arguments to fields)."""
    if into is None:
        return dict(report)
    merged: dict[str, Any] = {
        "from": min(str(into.get("from") or ""), str(report.get("from") or "")) or None,
        "to": max(str(into.get("to") or ""), str(report.get("to") or "")) or None,
        "fields": _added(into.get("fields") or {}, report.get("fields") or {}),
    }
    if isinstance(into.get("clients"), Mapping) and isinstance(report.get("clients"), Mapping):
        clients = dict(into["clients"])
        for client, counts in report["clients"].items():
            clients[client] = _added(clients.get(client) or {}, counts)
        merged["clients"] = clients
    operations: dict[tuple[Any, ...], dict[str, Any]] = {}
    for operation in [*(into.get("operations") or ()), *(report.get("operations") or ())]:
        key = (operation.get("hash"), operation.get("client_name"), operation.get("client_version"))
        known = operations.get(key)
        if known is None:
            operations[key] = dict(operation)
            continue
        known["count"] = int(known.get("count", 0)) + int(operation.get("count", 0))
        if not known.get("document") and operation.get("document"):
            known["document"] = operation["document"]
    merged["operations"] = list(operations.values())
    return merged


def _added(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, int]:
    total = Counter({k: int(v) for k, v in a.items()})
    total.update({k: int(v) for k, v in b.items()})
    return dict(total)
