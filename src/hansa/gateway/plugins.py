"""The plugins a ``GatewayConfig`` turns on: the built-in ones in the order their hooks run,
then the user's, loaded from ``"package.module:Name"``."""

from __future__ import annotations

import importlib

from hansa.gateway.config import GatewayConfig
from hansa.pipeline.plugin import Plugin
from hansa.plugins.limits import OperationLimits


def configured_plugins(config: GatewayConfig) -> list[Plugin]:
    plugins: list[Plugin] = [
        OperationLimits(config.max_depth, config.max_aliases, config.max_root_fields)
    ]
    plugins.extend(load_plugin(spec) for spec in config.plugins)
    return plugins


def load_plugin(spec: str) -> Plugin:
    """The plugin ``"package.module:Name"`` names: ``Name`` is a ``Plugin`` subclass or a
    function returning one, called without arguments. ``ValueError`` says what is wrong."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"plugin {spec!r}: expected 'package.module:Name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"plugin {spec!r}: cannot import {module_name}: {error}") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise ValueError(f"plugin {spec!r}: {module_name} has no callable {attribute!r}")
    plugin = factory()
    if not isinstance(plugin, Plugin):
        raise ValueError(f"plugin {spec!r}: {attribute}() is not a hansa.pipeline.Plugin")
    return plugin
