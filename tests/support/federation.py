"""A federated graph on loopback for a test: subgraphs composed by ``hansa.composition`` (proven
equal to Apollo's by the composition corpus), served over real HTTP, with a gateway in front."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from hansa.composition import SubgraphInput, compose
from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import serving
from hansa.pipeline import Plugin
from hansa.subgraph import Subgraph
from tests.support.http import free_port


def supergraph_of(*subgraphs: Subgraph) -> str:
    result = compose([SubgraphInput(s.name, f"http://{s.name}.invalid", s.sdl) for s in subgraphs])
    assert result.supergraph_sdl is not None, [str(e) for e in result.errors]
    return result.supergraph_sdl


@contextmanager
def federation(
    *subgraphs: Subgraph,
    apps: dict[str, Any] | None = None,
    plugins: Sequence[Plugin] = (),
    down: Sequence[str] = (),
    wrap: Callable[[Any], Any] | None = None,
    **config: Any,
) -> Iterator[str]:
    """Compose ``subgraphs``, serve them (or ``apps`` in their place; the ``down`` ones at a
    port nothing listens on) and a gateway with ``GatewayConfig(**config)`` and ``plugins``
    (its app passed through ``wrap`` when given); yield its GraphQL URL."""
    sdl = supergraph_of(*subgraphs)
    served = [(apps or {}).get(s.name) or s.asgi_app() for s in subgraphs]
    with serving(*served) as urls:
        overrides = {s.name: f"{u}/graphql" for s, u in zip(subgraphs, urls, strict=True)}
        for name in down:
            overrides[name] = f"http://127.0.0.1:{free_port()}/graphql"
        settings = GatewayConfig(subgraph_urls=overrides, **config)
        app = create_app(sdl, settings, plugins)
        with serving(wrap(app) if wrap else app) as (base,):
            yield f"{base}/graphql"
