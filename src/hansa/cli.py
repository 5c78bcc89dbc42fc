"""The ``hansa`` command line: one entry point, one subcommand per component."""

from __future__ import annotations

import asyncio
import importlib
import sys

import click

from hansa import __version__


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


@main.group()
def subgraph() -> None:
    """Work with subgraphs built with hansa.subgraph."""


@subgraph.command("serve")
@click.argument("target")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4001, show_default=True, type=int)
def subgraph_serve(target: str, host: str, port: int) -> None:
    """Serve the Subgraph at TARGET (``package.module:attribute``) over HTTP."""
    from hansa.http.serve import Binding, serve_all
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
    asyncio.run(serve_all([Binding(found.asgi_app(), host, port)]))


if __name__ == "__main__":
    main()
