"""Federated tracing (ftv1): the per-field timing a gateway asks a subgraph for.

A gateway that sends ``apollo-federation-include-trace: ftv1`` gets, in ``extensions.ftv1``,
a base64-encoded protobuf ``Trace`` (Apollo's ``reports.proto``): wall-clock start and end,
the duration, and a tree of nodes mirroring the response path (field nodes carry their response
name, return type, parent type and start/end offsets in nanoseconds from the trace start; list
items are nodes with an index), with errors on the node at their path. This is what
``@apollo/server``'s inline trace plugin produces, including its default of masking error
messages (``<masked>``, ``extensions.maskedBy``), since traces travel on to usage reporting.

Decision, protobuf: the ``protobuf`` package encodes the message; the message classes are
built at import time from the hand-written descriptor below (the subset of ``Trace`` a subgraph
fills, with ``reports.proto``'s field numbers), through protobuf's ``descriptor_pool`` and
``message_factory``. That keeps the build free of ``protoc`` and of generated code that must
match the runtime's version; a field added here is one line with its number from
``reports.proto``. Fields we never write (query plan, HTTP, cache policy, ...) are left out;
decoders that know the full schema read the subset unchanged.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import orjson
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from google.protobuf.message import Message
from graphql import GraphQLError, GraphQLResolveInfo
from graphql.pyutils import is_awaitable

TRACE_HEADER = "apollo-federation-include-trace"
TRACE_HEADER_VALUE = "ftv1"
MASKED_BY = "ApolloServerPluginInlineTrace"

_F = descriptor_pb2.FieldDescriptorProto
_Type: TypeAlias = "descriptor_pb2.FieldDescriptorProto.Type.ValueType"
_Label: TypeAlias = "descriptor_pb2.FieldDescriptorProto.Label.ValueType"

# (message, [(field, number, type, label, type_name, oneof_index)])
_MESSAGES: list[tuple[str, list[tuple[str, int, _Type, _Label, str, int | None]]]] = [
    (
        "Location",
        [
            ("line", 1, _F.TYPE_UINT32, _F.LABEL_OPTIONAL, "", None),
            ("column", 2, _F.TYPE_UINT32, _F.LABEL_OPTIONAL, "", None),
        ],
    ),
    (
        "Error",
        [
            ("message", 1, _F.TYPE_STRING, _F.LABEL_OPTIONAL, "", None),
            ("location", 2, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".hansa.ftv1.Trace.Location", None),
            ("time_ns", 3, _F.TYPE_UINT64, _F.LABEL_OPTIONAL, "", None),
            ("json", 4, _F.TYPE_STRING, _F.LABEL_OPTIONAL, "", None),
        ],
    ),
    (
        "Node",
        [
            ("response_name", 1, _F.TYPE_STRING, _F.LABEL_OPTIONAL, "", 0),
            ("index", 2, _F.TYPE_UINT32, _F.LABEL_OPTIONAL, "", 0),
            ("type", 3, _F.TYPE_STRING, _F.LABEL_OPTIONAL, "", None),
            ("start_time", 8, _F.TYPE_UINT64, _F.LABEL_OPTIONAL, "", None),
            ("end_time", 9, _F.TYPE_UINT64, _F.LABEL_OPTIONAL, "", None),
            ("error", 11, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".hansa.ftv1.Trace.Error", None),
            ("child", 12, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".hansa.ftv1.Trace.Node", None),
            ("parent_type", 13, _F.TYPE_STRING, _F.LABEL_OPTIONAL, "", None),
            ("original_field_name", 14, _F.TYPE_STRING, _F.LABEL_OPTIONAL, "", None),
        ],
    ),
]
_TRACE_FIELDS: list[tuple[str, int, _Type, _Label, str]] = [
    ("end_time", 3, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".google.protobuf.Timestamp"),
    ("start_time", 4, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".google.protobuf.Timestamp"),
    ("duration_ns", 11, _F.TYPE_UINT64, _F.LABEL_OPTIONAL, ""),
    ("root", 14, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, ".hansa.ftv1.Trace.Node"),
    ("field_execution_weight", 31, _F.TYPE_DOUBLE, _F.LABEL_OPTIONAL, ""),
]


def _field(
    name: str, number: int, type_: _Type, label: _Label, type_name: str
) -> descriptor_pb2.FieldDescriptorProto:
    result = descriptor_pb2.FieldDescriptorProto(name=name, number=number, type=type_, label=label)
    if type_name:
        result.type_name = type_name
    return result


def _build_trace_class() -> type[Message]:
    file = descriptor_pb2.FileDescriptorProto(
        name="hansa/ftv1/reports_subset.proto",
        package="hansa.ftv1",
        syntax="proto3",
        dependency=["google/protobuf/timestamp.proto"],
    )
    trace = file.message_type.add(name="Trace")
    for name, fields in _MESSAGES:
        nested = trace.nested_type.add(name=name)
        for field_name, number, type_, label, type_name, oneof in fields:
            built = _field(field_name, number, type_, label, type_name)
            if oneof is not None:
                built.oneof_index = oneof
            nested.field.append(built)
        if name == "Node":
            nested.oneof_decl.add(name="id")
    for field_name, number, type_, label, type_name in _TRACE_FIELDS:
        trace.field.append(_field(field_name, number, type_, label, type_name))
    pool = descriptor_pool.DescriptorPool()
    timestamp = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(timestamp)
    pool.Add(timestamp)
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("hansa.ftv1.Trace"))


Trace: Any = _build_trace_class()  # built at run time: no static field names to check


def _masked_json(error: GraphQLError) -> str:
    """``JSON.stringify`` of the masked error, as Apollo's trace builder writes it."""
    masked: dict[str, Any] = {"message": "<masked>"}
    if error.locations:
        masked["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        masked["path"] = list(error.path)
    masked["extensions"] = {"maskedBy": MASKED_BY}
    return orjson.dumps(masked).decode()


def _set_timestamp(timestamp: Any, ns: int) -> None:
    """Fill a ``google.protobuf.Timestamp`` field (of our own pool's class) from nanoseconds."""
    timestamp.seconds = ns // 1_000_000_000
    timestamp.nanos = ns % 1_000_000_000


class TraceRecorder:
    """Builds one ``Trace``: pass it to execution as middleware, then ``finish`` with errors."""

    def __init__(self) -> None:
        self._wall_start = time.time_ns()
        self._start = time.perf_counter_ns()
        trace: Any = Trace(field_execution_weight=1)
        trace.root.SetInParent()
        self._trace = trace
        self._root: Any = trace.root
        self._nodes: dict[tuple[str | int, ...], Any] = {(): self._root}

    def _elapsed(self) -> int:
        return time.perf_counter_ns() - self._start

    def _node(self, path: tuple[str | int, ...]) -> Any:
        node = self._nodes.get(path)
        if node is not None:
            return node
        parent = self._node(path[:-1])
        node = parent.child.add()
        key = path[-1]
        if isinstance(key, int):
            node.index = key
        else:
            node.response_name = key
        self._nodes[path] = node
        return node

    def resolve(
        self, next_: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], **args: Any
    ) -> Any:
        """graphql-core middleware (an object with ``resolve``): one node per resolved field,
        timed until its value is ready.

        Meta fields (``__typename``) get no node, as in graphql-js where they have no resolver.
        """
        if info.field_name.startswith("__"):
            return next_(root, info, **args)
        path = tuple(info.path.as_list())
        node = self._node(path)
        node.type = str(info.return_type)
        node.parent_type = info.parent_type.name
        node.start_time = self._elapsed()
        if isinstance(path[-1], str) and path[-1] != info.field_name:
            node.original_field_name = info.field_name
        try:
            value = next_(root, info, **args)
        except Exception:
            node.end_time = self._elapsed()
            raise
        if is_awaitable(value):
            return self._finish_async(value, node)
        node.end_time = self._elapsed()
        return value

    async def _finish_async(self, value: Any, node: Any) -> Any:
        try:
            return await value
        finally:
            node.end_time = self._elapsed()

    def finish(self, errors: Iterable[GraphQLError]) -> str:
        """Attach errors to their nodes, stop the clock, encode: the ``extensions.ftv1`` value."""
        for error in errors:
            if (error.extensions or {}).get("serviceName"):
                continue
            node = self._node(tuple(error.path)) if error.path else self._root
            entry = node.error.add(message="<masked>", json=_masked_json(error))
            for loc in error.locations or ():
                entry.location.add(line=loc.line, column=loc.column)
        duration = self._elapsed()
        self._trace.duration_ns = duration
        _set_timestamp(self._trace.start_time, self._wall_start)
        _set_timestamp(self._trace.end_time, self._wall_start + duration)
        return base64.b64encode(self._trace.SerializeToString()).decode("ascii")
