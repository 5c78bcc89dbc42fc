"""The model of a database subgraph, read from decorated Python classes and functions.

``@hansa.type`` marks a class as a GraphQL object type over a table or view; its annotations
are columns, except attributes set to ``hansa.federated(...)``, which are fields read from
another type (in the same or another database) by keys. ``@hansa.query`` and
``@hansa.mutation`` mark root fields. Decorating only records: the model is built (annotations
resolved, names checked) by ``build_model(module)`` once the module has been imported, so
classes may refer to each other in any order.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from hansa import scalars
from hansa.db.sql import identifier

Operation = Literal["CREATE", "UPDATE", "DELETE"]


@dataclass(frozen=True)
class ContextValue:
    """``hansa.context("tenant_id")``: a value of the request's context, in a filter."""

    name: str


def context(name: str) -> ContextValue:
    return ContextValue(name)


@dataclass(frozen=True)
class Federated:
    """``hansa.federated(...)``: a field whose value is another type's row(s), found by key.

    ``lookup="user_id"``: this row's ``user_id`` is the target's key. ``local_key`` and
    ``remote_key``: target rows whose ``remote_key`` equals this row's ``local_key`` (one, or a
    list when annotated ``list[...]``). ``type_conversion`` maps this side's key values to the
    target's (a UUID here, text there); ``batch_size`` caps the keys per statement."""

    database: str | None = None
    lookup: str | None = None
    local_key: str | None = None
    remote_key: str | None = None
    type_conversion: Callable[[Any], Any] | None = None
    batch_size: int = 1000
    lazy: bool = False
    filter: dict[str, Any] | None = None
    consistency: Literal["eventual", "strong"] = "eventual"
    # With "strong": "distributed" reads under shared advisory locks on the keys, which every
    # mutation of the target type takes exclusively (PostgreSQL), across processes.
    locking: Literal["none", "distributed"] = "none"
    # When several target rows answer one key of a single field (copies of one entity in
    # two places, a replayed import): "last_write_wins" keeps the newest by timestamp_field,
    # a callable f(primary, candidates) -> chosen decides.
    conflict_resolution: str | Callable[[Any, list[Any]], Any] | None = None
    timestamp_field: str | None = None


def federated(
    *,
    database: str | None = None,
    lookup: str | None = None,
    local_key: str | None = None,
    remote_key: str | None = None,
    type_conversion: Callable[[Any], Any] | None = None,
    batch_size: int = 1000,
    lazy: bool = False,
    filter: dict[str, Any] | None = None,
    consistency: Literal["eventual", "strong"] = "eventual",
    conflict_resolution: str | Callable[[Any, list[Any]], Any] | None = None,
    timestamp_field: str | None = None,
    locking: Literal["none", "distributed"] = "none",
) -> Any:
    if (lookup is None) == (local_key is None and remote_key is None):
        raise ValueError("hansa.federated takes lookup=, or local_key= and remote_key=")
    if lookup is None and (local_key is None or remote_key is None):
        raise ValueError("hansa.federated needs both local_key= and remote_key=")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if conflict_resolution == "last_write_wins" and timestamp_field is None:
        raise ValueError('conflict_resolution="last_write_wins" needs timestamp_field=')
    if isinstance(conflict_resolution, str) and conflict_resolution != "last_write_wins":
        raise ValueError('conflict_resolution is "last_write_wins" or a function')
    if locking == "distributed" and consistency != "strong":
        raise ValueError('locking="distributed" goes with consistency="strong"')
    return Federated(
        database,
        lookup,
        local_key,
        remote_key,
        type_conversion,
        batch_size,
        lazy,
        filter,
        consistency,
        locking=locking,
        conflict_resolution=conflict_resolution,
        timestamp_field=timestamp_field,
    )


@dataclass(frozen=True)
class ColumnInfo:
    """``hansa.column(...)``: a column whose name differs from the attribute, or a description."""

    name: str | None = None
    description: str | None = None


def column(name: str | None = None, *, description: str | None = None) -> Any:
    return ColumnInfo(name, description)


# -- the decorators record; build_model reads ------------------------------------------------

_TYPES: list[tuple[type, dict[str, Any]]] = []
_ROOTS: list[tuple[Callable[..., Any], dict[str, Any]]] = []


def type_(
    *,
    database: str,
    sql_source: str,
    key: str | tuple[str, ...] | None = None,
    name: str | None = None,
    table: str | None = None,
    version: str | None = None,
    description: str | None = None,
    shard_key: str | None = None,
) -> Callable[[type], type]:
    """``@hansa.type(database=, sql_source=, key=)``. ``sql_source`` is what reads come from
    (a table or a view); ``table`` what mutations write (default ``sql_source``); ``version``
    names a column for optimistic locking."""

    def record(cls: type) -> type:
        _TYPES.append(
            (
                cls,
                {
                    "database": database,
                    "sql_source": sql_source,
                    "key": key,
                    "name": name,
                    "table": table,
                    "version": version,
                    "description": description,
                    "shard_key": shard_key,
                },
            )
        )
        return cls

    return record


def query(
    *, sql_source: str | None = None, name: str | None = None, max_limit: int | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def record(fn: Callable[..., Any]) -> Callable[..., Any]:
        _ROOTS.append(
            (fn, {"kind": "query", "sql_source": sql_source, "name": name, "max_limit": max_limit})
        )
        return fn

    return record


def mutation(
    *, operation: Operation | None = None, name: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if operation not in (None, "CREATE", "UPDATE", "DELETE"):
        raise ValueError(f"operation must be CREATE, UPDATE or DELETE, not {operation!r}")

    def record(fn: Callable[..., Any]) -> Callable[..., Any]:
        _ROOTS.append((fn, {"kind": "mutation", "operation": operation, "name": name}))
        return fn

    return record


# -- the built model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphQLType:
    """A Python annotation as GraphQL sees it."""

    name: str  # a scalar or a model type
    nullable: bool
    many: bool = False
    item_nullable: bool = False

    def sdl(self) -> str:
        inner = self.name if self.item_nullable or not self.many else f"{self.name}!"
        text = f"[{inner}]" if self.many else inner
        return text if self.nullable else f"{text}!"


@dataclass
class Column:
    name: str  # the field's name, as written in Python
    column: str  # the database column
    type: GraphQLType
    description: str | None = None


@dataclass
class Relation:
    name: str
    target: str  # the target type's name
    many: bool
    spec: Federated

    def local_column(self, owner: TypeModel) -> str:
        field_name = self.spec.lookup or self.spec.local_key
        assert field_name is not None
        return owner.columns[field_name].column


@dataclass
class TypeModel:
    name: str
    cls: type
    database: str
    sql_source: str
    table: str
    key: tuple[str, ...]
    columns: dict[str, Column]
    relations: dict[str, Relation]
    version: str | None = None
    description: str | None = None
    shard_key: str | None = (
        None  # the column this type's rows are sharded by, if not the database's
    )

    def column_of(self, field_name: str) -> str:
        return self.columns[field_name].column


@dataclass
class Argument:
    name: str
    type: GraphQLType
    default: Any = inspect.Parameter.empty

    @property
    def required(self) -> bool:
        return not self.type.nullable and self.default is inspect.Parameter.empty


@dataclass
class RootField:
    name: str
    kind: Literal["query", "mutation"]
    fn: Callable[..., Any]
    returns: GraphQLType
    arguments: dict[str, Argument]
    takes_context: str | None  # the parameter that receives the context, if any
    sql_source: str | None = None
    operation: Operation | None = None
    max_limit: int | None = None
    description: str | None = None


@dataclass
class Model:
    types: dict[str, TypeModel] = field(default_factory=dict)
    roots: dict[str, RootField] = field(default_factory=dict)
    scalars: set[str] = field(default_factory=set)

    def databases(self) -> set[str]:
        return {t.database for t in self.types.values()} | {
            r.spec.database
            for t in self.types.values()
            for r in t.relations.values()
            if r.spec.database
        }


_SCALARS: dict[Any, str] = {
    str: "String",
    int: "Int",
    float: "Float",
    bool: "Boolean",
    scalars.ID: "ID",
    scalars.DateTime: "DateTime",
    scalars.Date: "Date",
    scalars.Decimal: "Decimal",
    scalars.JSON: "JSON",
}
CUSTOM_SCALARS = frozenset({"DateTime", "Date", "Decimal", "JSON"})


class ModelError(ValueError):
    """The classes do not describe a usable subgraph; the message names the place."""


def _is_context(annotation: Any) -> bool:
    from hansa.db.context import TenantContext

    return isinstance(annotation, type) and issubclass(annotation, TenantContext)


def _graphql_type(annotation: Any, where: str, known: dict[str, type]) -> GraphQLType:
    nullable = False
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        arguments = [a for a in get_args(annotation) if a is not type(None)]
        if len(arguments) != 1:
            raise ModelError(f"{where}: only X | None unions are supported")
        annotation, nullable = arguments[0], True
        origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation) or (None,)
        inner = _graphql_type(item, where, known)
        if inner.many:
            raise ModelError(f"{where}: lists of lists are not supported")
        return GraphQLType(inner.name, nullable, True, inner.nullable)
    if annotation in _SCALARS:
        return GraphQLType(_SCALARS[annotation], nullable)
    for name, cls in known.items():
        if annotation is cls:
            return GraphQLType(name, nullable)
    raise ModelError(f"{where}: {annotation!r} is not a scalar or a @hansa.type class")


def build_model(module_names: set[str] | None = None) -> Model:
    """The model of everything decorated in ``module_names`` (all modules when ``None``)."""

    def mine(obj: Any) -> bool:
        return module_names is None or getattr(obj, "__module__", None) in module_names

    recorded = [(cls, spec) for cls, spec in _TYPES if mine(cls)]
    known = {spec["name"] or cls.__name__: cls for cls, spec in recorded}
    model = Model()
    for cls, spec in recorded:
        model.types[spec["name"] or cls.__name__] = _type_model(cls, spec, known, model)
    for model_type in model.types.values():
        for relation in model_type.relations.values():
            _check_relation(model_type, relation, model)
    for fn, spec in _ROOTS:
        if mine(fn):
            root = _root_field(fn, spec, known, model)
            if root.name in model.roots:
                raise ModelError(f"two root fields are named {root.name!r}")
            model.roots[root.name] = root
    if not model.types:
        raise ModelError("no @hansa.type classes found")
    return model


def _hints(obj: Any) -> dict[str, Any]:
    module = inspect.getmodule(obj)
    namespace = dict(vars(module)) if module is not None else {}
    try:
        return typing.get_type_hints(obj, globalns=namespace, localns=namespace)
    except NameError as error:
        raise ModelError(f"{getattr(obj, '__qualname__', obj)}: {error}") from None


def _type_model(cls: type, spec: dict[str, Any], known: dict[str, type], model: Model) -> TypeModel:
    name = spec["name"] or cls.__name__
    hints = _hints(cls)
    columns: dict[str, Column] = {}
    relations: dict[str, Relation] = {}
    for attr, annotation in hints.items():
        where = f"{name}.{attr}"
        value = cls.__dict__.get(attr)
        gql = _graphql_type(annotation, where, known)
        if isinstance(value, Federated):
            if gql.name not in known:
                raise ModelError(f"{where}: a federated field's type must be a @hansa.type class")
            relations[attr] = Relation(attr, gql.name, gql.many, value)
            continue
        if gql.name in known:
            raise ModelError(f"{where}: a field of another type needs = hansa.federated(...)")
        info = value if isinstance(value, ColumnInfo) else ColumnInfo()
        column_name = identifier(info.name or attr, f"{where}: column")
        columns[attr] = Column(
            identifier(attr, f"{where}: field"), column_name, gql, info.description
        )
        if gql.name in CUSTOM_SCALARS:
            model.scalars.add(gql.name)
    key = spec["key"]
    keys: tuple[str, ...] = (key,) if isinstance(key, str) else tuple(key or ())
    for part in keys:
        if part not in columns:
            raise ModelError(f"{name}: key {part!r} is not a column")
    version = spec["version"]
    if version is not None and version not in columns:
        raise ModelError(f"{name}: version column {version!r} is not a column")
    shard_key = spec.get("shard_key")
    if shard_key is not None and shard_key not in columns:
        raise ModelError(f"{name}: shard_key {shard_key!r} is not a column")
    sql_source = identifier(spec["sql_source"], f"{name}: sql_source")
    return TypeModel(
        name,
        cls,
        spec["database"],
        sql_source,
        identifier(spec["table"] or sql_source, f"{name}: table"),
        keys,
        columns,
        relations,
        None if version is None else columns[version].column,
        spec["description"] or (inspect.getdoc(cls) if cls.__doc__ else None),
        None if shard_key is None else columns[shard_key].column,
    )


def _check_relation(owner: TypeModel, relation: Relation, model: Model) -> None:
    where = f"{owner.name}.{relation.name}"
    target = model.types[relation.target]
    spec = relation.spec
    if spec.database is not None and spec.database != target.database:
        raise ModelError(
            f"{where}: database={spec.database!r} but {target.name} lives in {target.database!r}"
        )
    local = spec.lookup or spec.local_key
    if local not in owner.columns:
        raise ModelError(f"{where}: {local!r} is not a column of {owner.name}")
    if spec.lookup is not None and len(target.key) != 1:
        raise ModelError(f"{where}: lookup= needs {target.name} to have a one-column key")
    if spec.remote_key is not None and spec.remote_key not in target.columns:
        raise ModelError(f"{where}: {spec.remote_key!r} is not a column of {target.name}")
    for column_name in spec.filter or {}:
        if column_name not in target.columns:
            raise ModelError(f"{where}: filter on {column_name!r}, not a column of {target.name}")
    if spec.timestamp_field is not None and spec.timestamp_field not in target.columns:
        raise ModelError(
            f"{where}: timestamp_field {spec.timestamp_field!r} is not a column of {target.name}"
        )
    if spec.locking == "distributed" and (spec.lookup is None or len(target.key) != 1):
        raise ModelError(f'{where}: locking="distributed" reads by the target\'s key (lookup=)')
    if spec.conflict_resolution is not None and relation.many:
        raise ModelError(f"{where}: conflict_resolution chooses one row; this field is a list")


def _root_field(
    fn: Callable[..., Any], spec: dict[str, Any], known: dict[str, type], model: Model
) -> RootField:
    name = spec.get("name") or fn.__name__
    where = f"{spec['kind']} {name}"
    hints = _hints(fn)
    if "return" not in hints:
        raise ModelError(f"{where}: annotate what it returns (-> list[Order], -> Order | None)")
    returns = _graphql_type(hints["return"], where, known)
    if returns.name not in model.types:
        raise ModelError(f"{where}: it must return a @hansa.type class (or a list of one)")
    arguments: dict[str, Argument] = {}
    takes_context = None
    for parameter in inspect.signature(fn).parameters.values():
        annotation = hints.get(parameter.name)
        if annotation is not None and _is_context(annotation):
            takes_context = parameter.name
            continue
        if annotation is None:
            raise ModelError(f"{where}: annotate argument {parameter.name!r}")
        gql = _graphql_type(annotation, f"{where}({parameter.name})", known)
        if gql.name in known:
            raise ModelError(f"{where}({parameter.name}): arguments are scalars")
        if gql.name in CUSTOM_SCALARS:
            model.scalars.add(gql.name)
        default = parameter.default
        arguments[parameter.name] = Argument(
            identifier(parameter.name, f"{where}: argument"), gql, default
        )
    source = spec.get("sql_source")
    return RootField(
        name,
        spec["kind"],
        fn,
        returns,
        arguments,
        takes_context,
        None if source is None else identifier(source, f"{where}: sql_source"),
        spec.get("operation"),
        spec.get("max_limit"),
        inspect.getdoc(fn),
    )
