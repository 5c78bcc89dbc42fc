"""The ``hansa`` command line: one entry point, one subcommand per component."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from hansa import __version__
from hansa.db.cli import db as db_commands
from hansa.registry.cli import registry as registry_commands

if TYPE_CHECKING:
    from hansa.config import HansaConfig
    from hansa.config.schema import GatewayRegistrySection
    from hansa.gateway.config import GatewayConfig
    from hansa.gateway.sources import Loaded, SupergraphSource
    from hansa.supergraph import Supergraph

log = logging.getLogger("hansa.gateway")


@click.group()
@click.version_option(__version__, prog_name="hansa")
def main() -> None:
    """Hansa: a GraphQL federation platform."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
def demo(host: str) -> None:
    """Serve the demo graph (accounts, products, reviews) and run a query against it."""
    from hansa.demo.run import run_demo

    try:
        asyncio.run(run_demo(host))
    except OSError as error:
        raise click.ClickException(f"cannot start the demo: {error}") from None


def _read_supergraph(path: Path) -> Supergraph:
    from hansa.supergraph import SupergraphError, read_supergraph

    try:
        text = path.read_text()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    try:
        return read_supergraph(text)
    except SupergraphError as error:
        raise click.ClickException(f"{path} is not a usable supergraph: {error}") from None


def _url_overrides(values: tuple[str, ...]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise click.BadParameter(
                f"expected NAME=URL, got {value!r}", param_hint="--subgraph-url"
            )
        overrides[name] = url
    return overrides


def _load_first(source: SupergraphSource) -> Loaded:
    """The source's supergraph at start: composition hints printed, errors (with the file and
    line of each) printed and exit 1, any other refusal as a readable message."""
    from hansa.gateway.sources import SourceError
    from hansa.gateway.sources.compose import ComposeSource, CompositionFailed

    try:
        loaded = asyncio.run(source.load())
    except CompositionFailed as failed:
        _print_hints(source)
        files = {s.name: s.describe() for s in failed.sources}
        for problem in failed.result.errors:
            click.echo(f"error {problem.code}: {problem.message}", err=True)
            for loc in problem.locations:
                click.echo(
                    f"    at {files.get(loc.subgraph, loc.subgraph)}:{loc.line}:{loc.column}",
                    err=True,
                )
        raise click.ClickException(
            f"composition failed with {len(failed.result.errors)} error(s)"
        ) from None
    except SourceError as error:
        raise click.ClickException(str(error)) from None
    assert loaded is not None  # a first load always answers
    if isinstance(source, ComposeSource):
        _print_hints(source)
    return loaded


def _print_hints(source: SupergraphSource) -> None:
    result = getattr(source, "result", None)
    for hint in result.hints if result is not None else ():
        click.echo(f"hint {hint}", err=True)


@main.command()
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Subgraph list in Rover's supergraph.yaml shape (YAML or TOML).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the supergraph here instead of stdout.",
)
def compose(config_path: Path, output: Path | None) -> None:
    """Compose subgraph schemas into a supergraph SDL (offline; no GraphOS needed)."""
    from hansa.gateway.sources.compose import ComposeSource

    supergraph = _load_first(ComposeSource(config_path)).sdl
    if output is None:
        click.echo(supergraph, nl=False)
    else:
        output.write_text(supergraph)
        click.echo(f"wrote {output}", err=True)


@main.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="hansa.toml (docs/configuration.md); flags given here override it.",
)
@click.option(
    "--supergraph",
    "supergraph_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Supergraph SDL (from Rover, @apollo/composition or hansa compose).",
)
@click.option(
    "--subgraphs",
    "subgraphs_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Compose at start-up from this subgraph list (supergraph.yaml) instead.",
)
@click.option(
    "--registry",
    "registry_url",
    envvar="HANSA_REGISTRY_URL",
    help="Serve a graph from this registry (or file:///DIR a registry publishes to).",
)
@click.option("--graph", help="With --registry: the graph.")
@click.option("--variant", default="prod", show_default=True, help="With --registry: the variant.")
@click.option("--token", envvar="HANSA_REGISTRY_TOKEN", help="With --registry: a read token.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --registry: where the last good supergraph is kept (default ~/.cache/hansa).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Reload when the supergraph file (or, with --subgraphs, a schema file) changes.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=4000, show_default=True, type=int)
@click.option(
    "--subgraph-url", multiple=True, metavar="NAME=URL", help="Override a subgraph's URL."
)
@click.option("--timeout", default=30.0, show_default=True, help="Subgraph request timeout (s).")
@click.option("--max-depth", default=100, show_default=True, help="Deepest selection accepted.")
@click.option("--introspection/--no-introspection", default=True, show_default=True)
@click.option(
    "--expose-query-plan/--no-expose-query-plan",
    default=False,
    show_default=True,
    help="Honour the hansa-expose-query-plan: true request header.",
)
@click.option(
    "--inbound-dedup/--no-inbound-dedup",
    default=False,
    show_default=True,
    help="Identical concurrent queries share one execution.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Processes serving the port (pre-fork, SO_REUSEPORT); one core each.",
)
@click.pass_context
def gateway(ctx: click.Context, /, config_path: Path | None, **flags: Any) -> None:
    """Serve a federated graph from a supergraph SDL file, or compose one at start-up."""
    from hansa.config import ConfigError, gateway_config, listen_address, server_tls
    from hansa.gateway import create_app
    from hansa.gateway.reload import canary_route, poll, watch_config
    from hansa.http.serve import run_workers
    from hansa.logs import configure_logging
    from hansa.supergraph import SupergraphError, read_supergraph

    try:
        settings = _settings(ctx, config_path, flags)
        host, port = listen_address(settings)
        config = gateway_config(settings)
        tls = server_tls(settings)
        if tls is not None:
            tls.context()  # a file that cannot be used stops the gateway here
    except (ConfigError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    # Plugins named in the file are imported from beside it or from the working directory.
    for where in (Path.cwd(), *([config_path.resolve().parent] if config_path else [])):
        if str(where) not in sys.path:
            sys.path.insert(0, str(where))
    source = _source(settings)
    loaded = _load_first(source)
    try:
        supergraph = read_supergraph(loaded.sdl)
    except SupergraphError as error:
        raise click.ClickException(f"{loaded.origin} is not a usable supergraph: {error}") from None
    try:
        app = create_app(supergraph, config)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    app.gateway.composition = loaded.composition
    app.set_canary(canary_route(loaded, app.gateway))
    source.accepted(loaded)
    configure_logging(settings.telemetry.log_format)
    poll(app, source)
    if settings.gateway.watch and config_path is not None:
        watch_config(app, config_path, lambda: _live_settings(ctx, config_path, flags, settings))
    workers = settings.gateway.workers
    names = ", ".join(supergraph.subgraphs)
    served_by = f" ({workers} workers)" if workers > 1 else ""
    scheme = "http" if tls is None else "https"
    click.echo(f"Hansa gateway for {names} at {scheme}://{host}:{port}/graphql{served_by}")
    try:
        # Each worker gets its copy of the app at the fork; connections, caches and the
        # watcher start inside each worker's event loop.
        run_workers(lambda: app, host, port, workers, tls)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


def _live_settings(
    ctx: click.Context, config_path: Path, flags: dict[str, Any], started: HansaConfig
) -> GatewayConfig:
    """``hansa.toml`` read again, for a reload: what the server itself holds (address, workers,
    TLS, the graph's source) is kept from start, with a warning when the file changed it."""
    from hansa.config import gateway_config

    settings = _settings(ctx, config_path, flags)
    for name in ("listen", "workers", "supergraph", "subgraphs", "registry", "tls"):
        if getattr(settings.gateway, name) != getattr(started.gateway, name):
            log.warning("gateway.%s changed in %s: restart to apply it", name, config_path)
    return gateway_config(settings)


def _source(settings: HansaConfig) -> SupergraphSource:
    """The one source the settings name: a supergraph file or a subgraph list to compose."""
    from hansa.gateway.sources.compose import ComposeSource
    from hansa.gateway.sources.file import FileSource

    gateway = settings.gateway
    every = 1.0 if gateway.watch else None
    registry = gateway.registry
    named = [x for x in (gateway.supergraph, gateway.subgraphs, registry.url) if x is not None]
    if len(named) != 1:
        raise click.UsageError("give exactly one of --supergraph, --subgraphs or --registry")
    if registry.url is not None:
        return _registry_source(registry)
    if gateway.supergraph is not None:
        return FileSource(Path(gateway.supergraph), every)
    assert gateway.subgraphs is not None
    return ComposeSource(Path(gateway.subgraphs), every)


def _registry_source(registry: GatewayRegistrySection) -> SupergraphSource:
    from hansa.gateway.sources.directory import DirectorySource
    from hansa.gateway.sources.registry import RegistrySource

    assert registry.url is not None
    if registry.graph is None:
        raise click.UsageError("--registry needs --graph (or [gateway.registry] graph)")
    cache_dir = None if registry.cache_dir is None else Path(registry.cache_dir)
    if registry.url.startswith("s3://"):
        from hansa.gateway.sources import SourceError
        from hansa.gateway.sources.bucket import BucketSource

        try:
            return BucketSource(
                registry.url,
                registry.graph,
                registry.variant,
                endpoint_url=registry.s3_endpoint_url,
                interval=registry.poll_interval_secs,
                public_key=registry.public_key,
                cache_dir=cache_dir,
            )
        except SourceError as error:
            raise click.ClickException(str(error)) from None
    if registry.url.startswith("file://"):
        return DirectorySource(
            Path(registry.url.removeprefix("file://")),
            registry.graph,
            registry.variant,
            interval=registry.poll_interval_secs,
            public_key=registry.public_key,
            cache_dir=cache_dir,
        )
    return RegistrySource(
        registry.url,
        registry.graph,
        registry.variant,
        registry.token,
        interval=registry.poll_interval_secs,
        timeout=registry.timeout_secs,
        public_key=registry.public_key,
        cache_dir=cache_dir,
        persisted_operations=registry.persisted_operations,
    )


def _settings(ctx: click.Context, config_path: Path | None, flags: dict[str, Any]) -> HansaConfig:
    """The configuration file (or the defaults) with the flags given on the command line over it;
    paths in the file are made relative to it."""
    from click.core import ParameterSource

    from hansa.config import HansaConfig, listen_address, load_config
    from hansa.config.schema import SubgraphSection

    settings = HansaConfig() if config_path is None else load_config(config_path)
    if config_path is not None:
        base = config_path.parent
        for name in ("supergraph", "subgraphs"):
            value = getattr(settings.gateway, name)
            if value is not None:
                setattr(settings.gateway, name, str(base / value))
        if settings.gateway.registry.cache_dir is not None:
            settings.gateway.registry.cache_dir = str(base / settings.gateway.registry.cache_dir)
        if settings.auth.jwt.jwks_file is not None:
            settings.auth.jwt.jwks_file = str(base / settings.auth.jwt.jwks_file)
        if settings.telemetry.usage_file is not None:
            settings.telemetry.usage_file = str(base / settings.telemetry.usage_file)
        if settings.persisted_queries.manifest is not None:
            manifest = settings.persisted_queries.manifest
            settings.persisted_queries.manifest = str(base / manifest)
        tls_sections = [
            settings.gateway.tls,
            settings.federation.tls,
            *(s.tls for s in settings.subgraphs.values()),
        ]
        for tls in tls_sections:
            for name in ("ca_file", "cert_file", "key_file", "client_ca_file"):
                value = getattr(tls, name, None)
                if value is not None:
                    setattr(tls, name, str(base / value))

    def wins(name: str) -> bool:
        """Whether flag ``name`` decides: given on the command line, or no file to read."""
        return config_path is None or ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE

    gateway = settings.gateway
    for name in ("watch", "introspection", "expose_query_plan", "inbound_dedup", "workers"):
        if wins(name):
            setattr(gateway, name, flags[name])
    supergraph, subgraphs = flags["supergraph_path"], flags["subgraphs_path"]
    registry_url = flags["registry_url"]
    if supergraph is not None or subgraphs is not None or registry_url is not None:
        # The command line names the graph's source.
        gateway.supergraph = None if supergraph is None else str(supergraph)
        gateway.subgraphs = None if subgraphs is None else str(subgraphs)
        gateway.registry.url = registry_url
    registry = gateway.registry
    for name in ("graph", "token"):
        if flags[name] is not None:
            setattr(registry, name, flags[name])
    if wins("variant"):
        registry.variant = flags["variant"]
    if flags["cache_dir"] is not None:
        registry.cache_dir = str(flags["cache_dir"])
    if registry.persisted_operations and registry.url and registry.graph:
        from hansa.gateway.sources.registry import manifest_path

        if settings.persisted_queries.manifest is not None:
            raise click.UsageError(
                "give [gateway.registry] persisted_operations or [persisted_queries] manifest,"
                " not both"
            )
        cache_dir = None if registry.cache_dir is None else Path(registry.cache_dir)
        settings.persisted_queries.manifest = str(manifest_path(cache_dir, registry.graph))
    if wins("host") or wins("port"):
        host, port = listen_address(settings)
        host = flags["host"] if wins("host") else host
        port = flags["port"] if wins("port") else port
        gateway.listen = f"{host}:{port}"
    if wins("timeout"):
        gateway.subgraph_timeout_ms = max(1, round(flags["timeout"] * 1000))
    if wins("max_depth"):
        settings.limits.max_depth = flags["max_depth"]
    for name, url in _url_overrides(flags["subgraph_url"]).items():
        settings.subgraphs.setdefault(name, SubgraphSection()).url = url
    return settings


@main.group()
def config() -> None:
    """Work with hansa.toml."""


@config.command("check")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def config_check(path: Path) -> None:
    """Validate a configuration file without starting anything."""
    from hansa.config import ConfigError, listen_address, load_config

    try:
        settings = load_config(path)
        listen_address(settings)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    sections = ", ".join(sorted(settings.subgraphs)) or "none"
    click.echo(f"{path}: valid (listen {settings.gateway.listen}, subgraph sections: {sections})")


@config.command("docs")
def config_docs() -> None:
    """Print the reference of every key (docs/configuration.md is this output)."""
    from hansa.config.docs import markdown

    click.echo(markdown(), nl=False)


@main.command()
@click.option(
    "--supergraph",
    "supergraph_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
)
@click.option("--operation-name", default=None, help="Which operation of the document to plan.")
@click.argument("query_file", type=click.File("r"))
def plan(supergraph_path: Path, operation_name: str | None, query_file: TextIO) -> None:
    """Print the query plan for the operation in QUERY_FILE ("-" for stdin)."""
    from hansa.operation.prepare import OperationCache, OperationError
    from hansa.planner.builder import PlanningError
    from hansa.planner.query_planner import QueryPlanner

    supergraph = _read_supergraph(supergraph_path)
    try:
        prepared = OperationCache(supergraph.api_schema).get(query_file.read(), operation_name)
        click.echo(QueryPlanner(supergraph).full_plan(prepared).pretty())
    except OperationError as error:
        raise click.ClickException(
            "\n".join(f"{e['extensions']['code']}: {e['message']}" for e in error.errors)
        ) from None
    except PlanningError as error:
        raise click.ClickException(f"cannot plan this operation: {error}") from None


@main.group()
def subgraph() -> None:
    """Work with subgraphs built with hansa.subgraph."""


@subgraph.command("serve")
@click.argument("target")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4001, show_default=True, type=int)
def subgraph_serve(target: str, host: str, port: int) -> None:
    """Serve the Subgraph at TARGET (``package.module:attribute``) over HTTP."""
    from hansa.http.serve import Binding, run_servers
    from hansa.subgraph import Subgraph

    module_name, _, attribute = target.partition(":")
    if not attribute:
        raise click.BadParameter("expected package.module:attribute", param_hint="TARGET")
    sys.path.insert(0, ".")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise click.ClickException(f"cannot load {target}: {error}") from None
    if not isinstance(found, Subgraph):
        raise click.ClickException(f"{target} is not a hansa.subgraph.Subgraph")
    click.echo(f"Serving subgraph {found.name!r} at http://{host}:{port}/graphql")
    run_servers([Binding(found.asgi_app(), host, port)])


main.add_command(registry_commands)
main.add_command(db_commands)

if __name__ == "__main__":
    main()
