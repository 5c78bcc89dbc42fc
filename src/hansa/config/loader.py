"""Read ``hansa.toml`` against the schema: values typed and checked, ``${ENV}`` interpolated, and
anything the schema does not know refused with the file, line, key and the keys it accepts.

TOML's own parser (``tomllib``) reads the values; a line scan finds where each key was written,
which ``tomllib`` does not report, so an error can point at it.
"""

from __future__ import annotations

import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from hansa.config.schema import HansaConfig

T = TypeVar("T")


class ConfigError(Exception):
    """A configuration the gateway cannot start with, said where it is."""

    def __init__(self, source: str, line: int | None, key: str | None, message: str) -> None:
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.source = source
        self.line = line
        self.key = key
        self.message = message


def load_config(path: Path, env: Mapping[str, str] | None = None) -> HansaConfig:
    try:
        text = path.read_text()
    except OSError as error:
        raise ConfigError(str(path), None, None, f"cannot read: {error.strerror}") from None
    return parse_config(text, str(path), env)


def parse_config(text: str, source: str, env: Mapping[str, str] | None = None) -> HansaConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(match.group(1)) if match else None
        raise ConfigError(source, line, None, f"not valid TOML: {error}") from None
    reader = _Reader(source, _key_lines(text), os.environ if env is None else env)
    return reader.build(HansaConfig, data, ())


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*((?:"[^"]*"|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z0-9_-]+))*)\s*=')
_PART = re.compile(r'"([^"]*)"|([A-Za-z0-9_-]+)')


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(quoted or bare for quoted, bare in _PART.findall(dotted))


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Where each table and key was first written (1-based lines)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            lines.setdefault(table, number)
            continue
        assigned = _KEY.match(line)
        if assigned:
            lines.setdefault(table + _parts(assigned.group(1)), number)
    return lines


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class _Reader:
    def __init__(self, source: str, lines: dict[tuple[str, ...], int], env: Mapping[str, str]):
        self.source = source
        self.lines = lines
        self.env = env

    def fail(self, path: tuple[str, ...], message: str) -> ConfigError:
        line = None
        for length in range(len(path), 0, -1):  # the key, else the nearest table above it
            line = self.lines.get(path[:length])
            if line is not None:
                break
        return ConfigError(self.source, line, ".".join(path) or None, message)

    def build(self, cls: type[T], data: Any, path: tuple[str, ...]) -> T:
        if not isinstance(data, dict):
            raise self.fail(path, f"must be a table, not {_kind(data)}")
        declared = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in declared:
                accepted = ", ".join(declared)
                raise self.fail((*path, name), f"unknown key; accepted here: {accepted}")
            spec = declared[name]
            values[name] = self.value(hints[name], spec.metadata, value, (*path, name))
        return cls(**values)

    def value(
        self, hint: Any, metadata: Mapping[str, Any], value: Any, path: tuple[str, ...]
    ) -> Any:
        origin = typing.get_origin(hint)
        if origin in (types.UnionType, typing.Union):
            options = [a for a in typing.get_args(hint) if a is not type(None)]
            (hint,) = options  # optional values only: ``X | None``
            origin = typing.get_origin(hint)
        if is_dataclass(hint):
            return self.build(hint, value, path)  # type: ignore[arg-type]
        if origin is dict:
            if not isinstance(value, dict):
                raise self.fail(path, f"must be a table, not {_kind(value)}")
            item = metadata.get("item")
            if item is None:  # a table of plain values: dict[str, str]
                (_, inner) = typing.get_args(hint)
                return {k: self.value(inner, {}, v, (*path, k)) for k, v in value.items()}
            return {k: self.build(item, v, (*path, k)) for k, v in value.items()}
        if origin is list:
            (inner,) = typing.get_args(hint)
            if not isinstance(value, list):
                raise self.fail(path, f"must be a list of {_name(inner)}, not {_kind(value)}")
            return [self.value(inner, {}, v, path) for v in value]
        if hint is bool:
            if not isinstance(value, bool):
                raise self.fail(path, f"must be true or false, not {_kind(value)}")
            return value
        if hint is int or hint is float:
            allowed = int if hint is int else int | float
            if isinstance(value, bool) or not isinstance(value, allowed):
                wanted = "an integer" if hint is int else "a number"
                raise self.fail(path, f"must be {wanted}, not {_kind(value)}")
            value = hint(value)
            minimum = metadata.get("minimum")
            if minimum is not None and value < minimum:
                raise self.fail(path, f"must be at least {minimum}, not {value}")
            return value
        if hint is str:
            if not isinstance(value, str):
                raise self.fail(path, f"must be a string, not {_kind(value)}")
            text = self.interpolate(value, path)
            choices = metadata.get("choices")
            if choices is not None and text not in choices:
                accepted = ", ".join(f'"{c}"' for c in choices)
                raise self.fail(path, f"must be one of {accepted}, not {text!r}")
            return text
        raise self.fail(path, f"has a type the loader does not know ({hint})")  # a schema bug

    def interpolate(self, text: str, path: tuple[str, ...]) -> str:
        """``${NAME}`` and ``${NAME:-default}`` from the environment."""

        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = self.env.get(name)
            if found is not None:
                return found
            if default is not None:
                return default
            raise self.fail(path, f"environment variable {name} is not set")

        return _ENV.sub(replace, text)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _name(hint: Any) -> str:
    return {str: "strings", int: "integers", bool: "booleans", float: "numbers"}.get(
        hint, str(hint)
    )


def default_of(spec: Any) -> Any:
    """A schema field's default value (for the documentation)."""
    if spec.default is not MISSING:
        return spec.default
    if spec.default_factory is not MISSING:
        return spec.default_factory()
    return None
