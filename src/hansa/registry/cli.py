"""``hansa registry ...``: serve the registry, and every workflow against it (publish, check,
compose, history, diff, rollback, promote, canary, tokens, persisted operations).

Each client command takes ``--registry URL --token T`` (or ``HANSA_REGISTRY_URL``,
``HANSA_REGISTRY_TOKEN``) and exits 1 with the registry's reason on any refusal.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from hansa.registry.client import ClientError, RegistryClient, variant_path

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_URL = "http://127.0.0.1:4100"


def _connection(command: F) -> F:
    command = click.option(
        "--token", envvar="HANSA_REGISTRY_TOKEN", help="Access token (HANSA_REGISTRY_TOKEN)."
    )(command)
    return click.option(
        "--registry",
        "registry_url",
        envvar="HANSA_REGISTRY_URL",
        default=DEFAULT_URL,
        show_default=True,
        help="The registry (HANSA_REGISTRY_URL).",
    )(command)


def _graph(command: F) -> F:
    command = click.option("--variant", default="prod", show_default=True)(command)
    return click.option("--graph", required=True, help="The graph.")(command)


def _json_flag(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")(
        command
    )


def _run(work: Coroutine[Any, Any, Any]) -> Any:
    try:
        return asyncio.run(work)
    except ClientError as error:
        raise click.ClickException(str(error)) from None


def _print_json(body: Any) -> None:
    click.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())


def _schema(schema: Path | None, introspect: str | None) -> str:
    """The SDL from a file, or from a running subgraph's ``_service { sdl }``."""
    if (schema is None) == (introspect is None):
        raise click.UsageError("give exactly one of --schema or --introspect")
    if schema is not None:
        try:
            return schema.read_text()
        except OSError as error:
            raise click.ClickException(f"cannot read {schema}: {error.strerror}") from None
    from hansa.composition.config import ConfigError, SubgraphSource, read_sources

    assert introspect is not None
    try:
        inputs = asyncio.run(
            read_sources([SubgraphSource("subgraph", introspect, introspect_url=introspect)])
        )
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    return inputs[0].sdl


@click.group()
def registry() -> None:
    """The schema registry: serve it, publish and check schemas, roll out compositions."""


@registry.command("serve")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--database", default=None, help="sqlite:///registry.db or postgresql://...")
@click.option("--host", default=None, help="Interface to bind (default from [registry] listen).")
@click.option("--port", default=None, type=int, help="Port (default 4100).")
@click.option(
    "--publish-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Also write served supergraphs here for gateways that read a directory.",
)
@click.option("--publish-bucket", default=None, help="Also write them to s3://BUCKET/PREFIX.")
def serve(
    config_path: Path | None,
    database: str | None,
    host: str | None,
    port: int | None,
    publish_dir: Path | None,
    publish_bucket: str | None,
) -> None:
    """Serve the registry: the JSON API, /openapi.json and the web UI."""
    from hansa.config import ConfigError, HansaConfig, load_config
    from hansa.http.serve import Binding, run_servers
    from hansa.logs import configure_logging
    from hansa.registry.app import RegistrySettings, create_registry_app
    from hansa.registry.db import DatabaseError
    from hansa.registry.publishing import PublishError
    from hansa.registry.service import CheckSettings

    try:
        settings = HansaConfig() if config_path is None else load_config(config_path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    section = settings.registry
    listen_host, _, listen_port = section.listen.rpartition(":")
    where = publish_dir or (None if section.publish_dir is None else Path(section.publish_dir))
    settings_for_app = RegistrySettings(
        database=database or section.database,
        admin_token=section.admin_token,
        signing_key=section.signing_key,
        publish_dir=where,
        publish_bucket=publish_bucket or section.publish_bucket,
        s3_endpoint_url=section.s3_endpoint_url,
        checks=CheckSettings(
            usage_days=section.usage_days,
            usage_threshold=section.usage_threshold,
            exclude_clients=list(section.exclude_clients),
            plan_regression=section.plan_regression,
            top_operations=section.top_operations,
            deprecation_days=section.deprecation_days,
        ),
    )
    try:
        app = create_registry_app(settings_for_app)
        # Open and migrate once before serving: a database that cannot be used stops here,
        # with its reason, instead of inside the server's start-up.
        asyncio.run(_migrate(settings_for_app.database))
    except (PublishError, DatabaseError) as error:
        raise click.ClickException(str(error)) from None
    configure_logging(settings.telemetry.log_format)
    bind_host, bind_port = host or listen_host or "127.0.0.1", port or int(listen_port or 4100)
    click.echo(f"Hansa registry at http://{bind_host}:{bind_port}/", err=True)
    try:
        run_servers([Binding(app, bind_host, bind_port)])
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {bind_host}:{bind_port}: {error.strerror}"
        ) from None


async def _migrate(database: str) -> None:
    from hansa.registry.db import open_database

    await (await open_database(database)).close()


@registry.command("publish")
@_connection
@_graph
@click.option("--subgraph", required=True)
@click.option("--version", "version", required=True, help="The deploy's id, e.g. an image hash.")
@click.option("--url", required=True, help="The subgraph's routing URL.")
@click.option("--schema", type=click.Path(path_type=Path, dir_okay=False), help="SDL file.")
@click.option("--introspect", help="Read _service { sdl } from this running subgraph instead.")
@click.option("--force", is_flag=True, help="Record it even if the variant does not compose.")
def publish(
    registry_url: str,
    token: str | None,
    graph: str,
    variant: str,
    subgraph: str,
    version: str,
    url: str,
    schema: Path | None,
    introspect: str | None,
    force: bool,
) -> None:
    """Publish a subgraph version; refused with the composition errors if it would not compose."""
    sdl = _schema(schema, introspect)
    client = RegistryClient(registry_url, token)
    path = f"{variant_path(graph, variant)}/subgraphs/{subgraph}/versions"
    try:
        answer = asyncio.run(
            client.request(
                "POST", path, {"version": version, "url": url, "sdl": sdl, "force": force}
            )
        )
    except ClientError as error:
        body = error.body if isinstance(error.body, dict) else {}
        for problem in body.get("error", {}).get("errors", []):
            click.echo(f"error {problem['code']}: {problem['message']}", err=True)
        raise click.ClickException(str(error)) from None
    composition = answer.body["composition"]
    for hint in composition.get("hints", []):
        click.echo(f"hint {hint['code']}: {hint['message']}", err=True)
    if not answer.body["created"]:
        click.echo(
            f"{subgraph}@{version} is already in {graph}@{variant} (composition #{composition['number']})"
        )
    elif composition["valid"]:
        click.echo(
            f"published {subgraph}@{version}: {graph}@{variant} composition #{composition['number']}"
        )
    else:
        click.echo(
            f"forced {subgraph}@{version}: composition #{composition['number']} does not compose;"
            " gateways keep the last valid supergraph"
        )


@registry.command("check")
@_connection
@_graph
@click.option("--subgraph", required=True)
@click.option("--schema", type=click.Path(path_type=Path, dir_okay=False), help="SDL file.")
@click.option("--introspect", help="Read _service { sdl } from this running subgraph instead.")
@click.option("--url", default=None, help="The subgraph's routing URL, if it changes.")
@click.option(
    "--usage-snapshot",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A gateway's usage file ([telemetry] usage_file): weigh changes against it.",
)
@click.option(
    "--base",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Offline: the supergraph served now (no registry is asked).",
)
@click.option(
    "--subgraphs",
    "subgraphs_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Offline: the other subgraphs (supergraph.yaml) to compose the proposal with.",
)
@click.option("--usage-days", type=int, default=None, help="Usage window (days).")
@click.option("--exclude-client", multiple=True, help="A client whose usage does not count.")
@click.option("--threshold", type=int, default=None, help="Uses at or under this are 'unused'.")
@click.option(
    "--plan-regression",
    type=click.Choice(["fail", "warn", "off"]),
    default="fail",
    show_default=True,
    help="Offline: what a plan regression does.",
)
@_json_flag
def check(
    registry_url: str,
    token: str | None,
    graph: str,
    variant: str,
    subgraph: str,
    schema: Path | None,
    introspect: str | None,
    url: str | None,
    usage_snapshot: Path | None,
    base: Path | None,
    subgraphs_path: Path | None,
    usage_days: int | None,
    exclude_client: tuple[str, ...],
    threshold: int | None,
    plan_regression: str,
    as_json: bool,
) -> None:
    """Check a schema change without recording anything: composition, breaking changes weighed
    against real usage, query-plan regressions. Exits 1 when the change is unsafe."""
    sdl = _schema(schema, introspect)
    reports = None if usage_snapshot is None else _read_snapshot(usage_snapshot)
    if base is not None or subgraphs_path is not None:
        if base is None or subgraphs_path is None:
            raise click.UsageError("offline checks need both --base and --subgraphs")
        report = _offline_check(
            base,
            subgraphs_path,
            subgraph,
            sdl,
            url,
            reports or [],
            list(exclude_client),
            threshold,
            plan_regression,
        )
    else:
        body: dict[str, Any] = {"subgraph": subgraph, "sdl": sdl, "url": url}
        if usage_days is not None:
            body["usage_days"] = usage_days
        if exclude_client:
            body["exclude_clients"] = list(exclude_client)
        if threshold is not None:
            body["threshold"] = threshold
        if reports is not None:
            body["usage_reports"] = reports
        client = RegistryClient(registry_url, token)
        report = _run(client.post(f"{variant_path(graph, variant)}/check", body))
    if as_json:
        _print_json(report)
    else:
        _print_check(report)
    if not report["ok"]:
        sys.exit(1)


def _read_snapshot(path: Path) -> list[dict[str, Any]]:
    reports = []
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            report = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise click.ClickException(f"{path}:{number} is not JSON: {error}") from None
        if not isinstance(report, dict):
            raise click.ClickException(f"{path}:{number} is not a usage report")
        reports.append(report)
    return reports


def _offline_check(
    base: Path,
    subgraphs_path: Path,
    subgraph: str,
    sdl: str,
    url: str | None,
    reports: list[dict[str, Any]],
    exclude: list[str],
    threshold: int | None,
    plan_regression: str,
) -> dict[str, Any]:
    from hansa.composition import compose
    from hansa.composition.config import ConfigError, load_config, read_sources
    from hansa.registry.service import CheckSettings, proposal, run_check

    try:
        inputs = asyncio.run(read_sources(load_config(subgraphs_path)))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    settings = CheckSettings(plan_regression=plan_regression)
    return run_check(
        base.read_text(),
        compose(proposal(inputs, subgraph, sdl, url)),
        reports,
        settings,
        exclude_clients=exclude,
        threshold=threshold,
    )


def _print_check(report: dict[str, Any]) -> None:
    composition = report["composition"]
    for error in composition["errors"]:
        click.echo(f"error {error['code']}: {error['message']}")
    for hint in composition["hints"]:
        click.echo(f"hint {hint['code']}: {hint['message']}")
    for change in report["changes"]:
        note = f" ({change['downgraded']})" if change.get("downgraded") else ""
        click.echo(
            f"{change['severity']:>9} {change['code']} {change['coordinate']}: {change['message']}{note}"
        )
    for regression in report["plan_regressions"]:
        click.echo(
            f"plan regression {regression.get('operation_name') or regression.get('hash')}: {regression['reason']}"
        )
    click.echo("check passed" if report["ok"] else "check failed")


@registry.command("compose")
@_connection
@click.option("--graph", required=True)
@click.option("--variant", default=None, help="Fall back to this variant's current composition.")
@click.option("--service", "services", multiple=True, required=True, metavar="NAME=VERSION")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
def compose_versions(
    registry_url: str,
    token: str | None,
    graph: str,
    variant: str | None,
    services: tuple[str, ...],
    output: Path | None,
) -> None:
    """The supergraph of exactly these versions, or the last valid one (said on stderr)."""
    pairs = []
    for service in services:
        name, sep, version = service.partition("=")
        if not sep or not name or not version:
            raise click.BadParameter(
                f"expected NAME=VERSION, got {service!r}", param_hint="--service"
            )
        pairs.append({"name": name, "version": version})
    client = RegistryClient(registry_url, token)
    body: dict[str, Any] = {"services": pairs}
    if variant is not None:
        body["variant"] = variant
    answer = _run(client.post(f"/graphs/{graph}/compose", body))
    if not answer["composed"]:
        fallback = answer["fallback"]
        click.echo(
            f"these versions do not compose; this is {fallback['graph']}@{fallback['variant']}"
            f" composition #{fallback['number']}",
            err=True,
        )
        for error in answer["errors"]:
            click.echo(f"error {error['code']}: {error['message']}", err=True)
    if output is None:
        click.echo(answer["supergraph_sdl"], nl=False)
    else:
        output.write_text(answer["supergraph_sdl"])


@registry.command("history")
@_connection
@_graph
@click.option("--subgraph", default=None, help="Versions of one subgraph instead.")
@click.option("--limit", default=20, show_default=True)
@_json_flag
def history(
    registry_url: str,
    token: str | None,
    graph: str,
    variant: str,
    subgraph: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Compositions of a variant (or versions of a subgraph), newest first."""
    client = RegistryClient(registry_url, token)
    if subgraph is not None:
        answer = _run(client.get(f"/graphs/{graph}/subgraphs/{subgraph}/versions"))
        if as_json:
            _print_json(answer)
            return
        for row in answer["versions"][:limit]:
            click.echo(
                f"{row['version']:<20} {row['published_at']}  {row['published_by']}  {row['routing_url']}"
            )
        return
    answer = _run(client.get(f"{variant_path(graph, variant)}/history?limit={limit}"))
    if as_json:
        _print_json(answer)
        return
    for c in answer["compositions"]:
        marker = "*" if c["number"] == answer["current"] else " "
        state = "valid" if c["valid"] else ("forced, invalid" if c["forced"] else "invalid")
        members = ", ".join(f"{n}@{m['version']}" for n, m in sorted(c["members"].items()))
        click.echo(
            f"{marker} #{c['number']:<4} {c['created_at']}  {c['created_by']:<12} {state:<8} {c['reason']}  [{members}]"
        )


@registry.command("diff")
@_connection
@_graph
@click.option(
    "--from", "start", default=None, help="Composition number (or version with --subgraph)."
)
@click.option("--to", "end", default=None, help="Composition number (or version with --subgraph).")
@click.option("--subgraph", default=None, help="Diff two versions of one subgraph instead.")
@_json_flag
def diff(
    registry_url: str,
    token: str | None,
    graph: str,
    variant: str,
    start: str | None,
    end: str | None,
    subgraph: str | None,
    as_json: bool,
) -> None:
    """What changed between two compositions (default: the current one and the one before)."""
    client = RegistryClient(registry_url, token)
    if subgraph is not None:
        if start is None or end is None:
            raise click.UsageError("--subgraph needs --from and --to versions")
        answer = _run(
            client.get(f"/graphs/{graph}/subgraphs/{subgraph}/diff?from={start}&to={end}")
        )
    else:
        query = "&".join(f"{k}={v}" for k, v in (("from", start), ("to", end)) if v is not None)
        answer = _run(client.get(f"{variant_path(graph, variant)}/diff?{query}"))
    if as_json:
        _print_json(answer)
        return
    for change in answer.get("changes", []):
        click.echo(
            f"{change['severity']:>9} {change['code']} {change['coordinate']}: {change['message']}"
        )
    for line in answer["diff"]:
        click.echo(line)


@registry.command("rollback")
@_connection
@_graph
@click.option("--to", "to", required=True, type=int, help="The composition number to serve again.")
def rollback(registry_url: str, token: str | None, graph: str, variant: str, to: int) -> None:
    """Serve an earlier composition again."""
    client = RegistryClient(registry_url, token)
    answer = _run(client.post(f"{variant_path(graph, variant)}/rollback", {"to": to}))
    click.echo(
        f"{graph}@{variant} serves composition #{answer['composition']['number']} (a copy of #{to})"
    )


@registry.command("promote")
@_connection
@click.option("--graph", required=True)
@click.option("--from", "source", default="staging", show_default=True)
@click.option("--to", "target", default="prod", show_default=True)
@click.option("--composition", type=int, default=None, help="Default: what --from serves now.")
def promote(
    registry_url: str,
    token: str | None,
    graph: str,
    source: str,
    target: str,
    composition: int | None,
) -> None:
    """Serve a composition of one variant (staging) in another (prod)."""
    client = RegistryClient(registry_url, token)
    body: dict[str, Any] = {"from_variant": source}
    if composition is not None:
        body["composition"] = composition
    answer = _run(client.post(f"{variant_path(graph, target)}/promote", body))
    click.echo(
        f"{graph}@{target} serves composition #{answer['composition']['number']} ({answer['composition']['reason']})"
    )


@registry.group("canary")
def canary() -> None:
    """Roll a composition out to a share of clients."""


@canary.command("set")
@_connection
@_graph
@click.option("--composition", required=True, type=int)
@click.option("--percent", required=True, type=click.IntRange(0, 100))
@click.option("--allow", multiple=True, help="Keys always served the canary.")
@click.option("--deny", multiple=True, help="Keys never served the canary.")
@click.option(
    "--key",
    default="header:x-hansa-canary-key",
    show_default=True,
    help="header:NAME or claim:NAME.",
)
def canary_set(
    registry_url: str,
    token: str | None,
    graph: str,
    variant: str,
    composition: int,
    percent: int,
    allow: tuple[str, ...],
    deny: tuple[str, ...],
    key: str,
) -> None:
    """Serve COMPOSITION to PERCENT of clients (by a stable key, hashed modulo 100)."""
    client = RegistryClient(registry_url, token)
    body = {
        "composition": composition,
        "percent": percent,
        "allow": list(allow),
        "deny": list(deny),
        "key": key,
    }
    _run(client.request("PUT", f"{variant_path(graph, variant)}/canary", body))
    click.echo(f"{graph}@{variant}: composition #{composition} to {percent}% of clients by {key}")


@canary.command("kill")
@_connection
@_graph
def canary_kill(registry_url: str, token: str | None, graph: str, variant: str) -> None:
    """The kill switch: every gateway drops the canary at its next poll."""
    _run(
        RegistryClient(registry_url, token).request(
            "DELETE", f"{variant_path(graph, variant)}/canary"
        )
    )
    click.echo(f"{graph}@{variant}: canary stopped")


@canary.command("promote")
@_connection
@_graph
def canary_promote(registry_url: str, token: str | None, graph: str, variant: str) -> None:
    """The canary becomes the current composition for every client."""
    _run(
        RegistryClient(registry_url, token).post(
            f"{variant_path(graph, variant)}/canary/promote", {}
        )
    )
    click.echo(f"{graph}@{variant}: canary promoted")


@registry.command("deprecations")
@_connection
@_graph
@click.option("--days", type=int, default=None, help="The window a field must be unused for.")
@_json_flag
def deprecations(
    registry_url: str, token: str | None, graph: str, variant: str, days: int | None, as_json: bool
) -> None:
    """Deprecated fields, who still uses them, and which can be removed."""
    query = "" if days is None else f"?days={days}"
    answer = _run(
        RegistryClient(registry_url, token).get(
            f"{variant_path(graph, variant)}/deprecations{query}"
        )
    )
    if as_json:
        _print_json(answer)
        return
    for item in answer["deprecations"]:
        state = "removable" if item.get("removable") else "in use"
        click.echo(f"{item['coordinate']:<40} {state:<10} {item.get('reason') or ''}")


@registry.command("supergraph")
@_connection
@_graph
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
def supergraph(
    registry_url: str, token: str | None, graph: str, variant: str, output: Path | None
) -> None:
    """Print (or write) the supergraph a variant serves."""
    answer = _run(
        RegistryClient(registry_url, token).get(f"{variant_path(graph, variant)}/supergraph")
    )
    sdl = answer["current"]["supergraph_sdl"]
    if output is None:
        click.echo(sdl, nl=False)
    else:
        output.write_text(sdl)


@registry.command("usage-export")
@_connection
@_graph
@click.option("--days", type=int, default=30, show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
def usage_export(
    registry_url: str, token: str | None, graph: str, variant: str, days: int, output: Path | None
) -> None:
    """Write the variant's usage reports as a snapshot for offline checks (--usage-snapshot)."""
    answer = _run(
        RegistryClient(registry_url, token).get(f"{variant_path(graph, variant)}/usage?days={days}")
    )
    lines = b"".join(orjson.dumps(r) + b"\n" for r in answer["reports"])
    if output is None:
        sys.stdout.buffer.write(lines)
    else:
        output.write_bytes(lines)


@registry.command("persisted-operations")
@_connection
@click.option("--graph", required=True)
@click.option(
    "--client", "client_name", required=True, help="The client these operations belong to."
)
@click.option(
    "--manifest", required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
def persisted_operations(
    registry_url: str, token: str | None, graph: str, client_name: str, manifest: Path
) -> None:
    """Publish a client's persisted-operation manifest (Apollo's format); replaces its last one."""
    try:
        body = orjson.loads(manifest.read_bytes())
    except orjson.JSONDecodeError as error:
        raise click.ClickException(f"{manifest} is not JSON: {error}") from None
    answer = _run(
        RegistryClient(registry_url, token).request(
            "PUT", f"/graphs/{graph}/clients/{client_name}/persisted-operations", body
        )
    )
    click.echo(f"{answer.body['operations']} operations published for {client_name}")


@registry.command("key")
@_connection
def key(registry_url: str, token: str | None) -> None:
    """Print the registry's public signing key (for [gateway.registry] public_key)."""
    click.echo(_run(RegistryClient(registry_url, token).get("/signing-key"))["public_key"])


@registry.group("token")
def token_group() -> None:
    """Access tokens (admin)."""


@token_group.command("create")
@_connection
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["admin", "publish", "read"]))
@click.option("--graph", default=None)
@click.option("--variant", default=None)
@click.option("--subgraph", default=None)
def token_create(
    registry_url: str,
    token: str | None,
    name: str,
    role: str,
    graph: str | None,
    variant: str | None,
    subgraph: str | None,
) -> None:
    """Create a token; its secret is printed once."""
    body = {"name": name, "role": role, "graph": graph, "variant": variant, "subgraph": subgraph}
    answer = _run(RegistryClient(registry_url, token).post("/tokens", body))
    click.echo(answer["token"])


@token_group.command("list")
@_connection
def token_list(registry_url: str, token: str | None) -> None:
    """Tokens with their roles and scopes (never secrets)."""
    for row in _run(RegistryClient(registry_url, token).get("/tokens"))["tokens"]:
        scope = "/".join(x or "*" for x in (row["graph"], row["variant"], row["subgraph"]))
        state = "revoked" if row["revoked_at"] else "active"
        click.echo(f"{row['name']:<20} {row['role']:<8} {scope:<30} {state}")


@token_group.command("revoke")
@_connection
@click.argument("name")
def token_revoke(registry_url: str, token: str | None, name: str) -> None:
    """Revoke a token."""
    _run(RegistryClient(registry_url, token).request("DELETE", f"/tokens/{name}"))
    click.echo(f"revoked {name}")
