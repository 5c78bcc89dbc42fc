"""``INTERFACE_FIELD_NO_IMPLEM``: after merging, an interface field must exist on every type
that implements the interface (a type may implement it only in subgraphs where the interface
lacks the field). Apollo's ``postMergeValidations``, a merge error. Which subgraphs declare the
field or the implementation is read back from the ``@join__*`` applications."""

from __future__ import annotations

from graphql import DirectiveNode

from hansa.composition.output import OutField, OutType
from hansa.composition.rules._common import directive_arg, directive_arg_text, parse_directives
from hansa.composition.rules.context import SupergraphContext


def interface_field_no_implem(context: SupergraphContext) -> None:
    schema = context.schema
    by_name = {t.name: t for t in schema.types}
    graph_names = {enum: name for enum, name, _ in schema.graphs}
    order = [enum for enum, _, _ in schema.graphs]
    for out_type in schema.types:
        if out_type.kind not in ("object", "interface"):
            continue
        present = {f.name for f in out_type.fields}
        for itf_name in out_type.interfaces:
            itf = by_name.get(itf_name)
            if itf is None or itf.kind != "interface":
                continue
            for itf_field in itf.fields:
                if itf_field.name in present:
                    continue
                declaring = _graphs_declaring_field(itf, itf_field)
                implementing = {
                    directive_arg_text(d, "graph")
                    for d in parse_directives(out_type.directives)
                    if d.name.value == "join__implements"
                    and directive_arg_text(d, "interface") == itf_name
                }
                with_field = [graph_names.get(g, g) for g in order if g in declaring]
                with_type = [graph_names.get(g, g) for g in order if g in implementing]
                context.report(
                    "INTERFACE_FIELD_NO_IMPLEM",
                    f'Interface field "{itf.name}.{itf_field.name}" is declared in '
                    f"{_quoted_list(with_field, 'subgraph', 'subgraphs')} but type "
                    f'"{out_type.name}", which implements "{itf.name}" only in '
                    f"{_quoted_list(with_type, 'subgraph', 'subgraphs')} does not have field "
                    f'"{itf_field.name}".',
                )


def _graphs_declaring_field(itf: OutType, itf_field: OutField) -> set[str]:
    """Graphs (join enum values) where the interface, as an interface, has the field."""
    as_interface: set[str] = set()
    all_graphs: set[str] = set()
    for d in parse_directives(itf.directives):
        if d.name.value != "join__type":
            continue
        graph = directive_arg_text(d, "graph")
        if graph is None:
            continue
        all_graphs.add(graph)
        if not _arg_true(d, "isInterfaceObject"):
            as_interface.add(graph)
    field_graphs = {
        g
        for d in parse_directives(itf_field.directives)
        if d.name.value == "join__field" and (g := directive_arg_text(d, "graph")) is not None
    }
    return (field_graphs or all_graphs) & as_interface


def _arg_true(directive: DirectiveNode, name: str) -> bool:
    value = directive_arg(directive, name)
    return bool(getattr(value, "value", False) is True)


def _quoted_list(names: list[str], singular: str, plural: str) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"{singular} {quoted[0]}"
    return f"{plural} " + ", ".join(quoted[:-1]) + " and " + quoted[-1]
