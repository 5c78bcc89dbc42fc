"""``hansa db ...``: serve a module's database subgraph, or print its SDL."""

from __future__ import annotations

from pathlib import Path

import click


def _subgraph(target: str, config_path: Path | None) -> object:
    from hansa.config import ConfigError, HansaConfig, load_config
    from hansa.db.app import DatabaseSubgraph, settings_from
    from hansa.db.model import ModelError

    try:
        config = HansaConfig() if config_path is None else load_config(config_path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    try:
        databases, settings, sharding = settings_from(config)
        return DatabaseSubgraph.from_module(
            target, databases, settings, name=config.db.name, sharding=sharding
        )
    except (ImportError, ModelError, ValueError) as error:
        raise click.ClickException(f"cannot build a subgraph from {target}: {error}") from None


@click.group()
def db() -> None:
    """Database subgraphs: Python classes over PostgreSQL, MariaDB and SQLite."""


@db.command("sdl")
@click.argument("target")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
def sdl(target: str, config_path: Path | None) -> None:
    """Print the subgraph SDL of TARGET (``package.module``)."""
    from hansa.db.app import DatabaseSubgraph

    found = _subgraph(target, config_path)
    assert isinstance(found, DatabaseSubgraph)
    click.echo(found.sdl, nl=False)


@db.command("serve")
@click.argument("target")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4001, show_default=True, type=int)
def serve(target: str, config_path: Path | None, host: str, port: int) -> None:
    """Serve TARGET's database subgraph over HTTP (an Apollo Federation subgraph)."""
    import asyncio

    from hansa.db.app import DatabaseSubgraph
    from hansa.db.drivers.base import DatabaseError
    from hansa.http.serve import Binding, run_servers

    found = _subgraph(target, config_path)
    assert isinstance(found, DatabaseSubgraph)

    async def probe() -> None:  # a database that cannot be used stops here, with its reason
        try:
            await found.start()
        finally:
            await found.close()

    try:
        asyncio.run(probe())
    except DatabaseError as error:
        raise click.ClickException(f"{error.code}: {error}") from None
    click.echo(
        f"Serving database subgraph {found.name!r} at http://{host}:{port}/graphql", err=True
    )
    try:
        run_servers([Binding(found.asgi_app(), host, port)])
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
