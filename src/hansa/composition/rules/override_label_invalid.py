"""``OVERRIDE_LABEL_INVALID``: progressive ``@override`` labels are names or ``percent(x)``, as
the gateway reads them."""

from __future__ import annotations

import re

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef

LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100)\)|[a-zA-Z][a-zA-Z0-9_\-:.]*)$")


def override_label_invalid(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    override = f.directive("override")
    label = override.string("label") if override is not None else None
    if label is not None and not LABEL.match(label):
        context.report(
            "OVERRIDE_LABEL_INVALID",
            f'Invalid @override label "{label}" on field "{type_def.name}.{f.name}" on subgraph "{context.subgraph.name}": labels must start with a letter and after that may contain alphanumerics, underscores, minuses, colons, periods, or they may be of the form "percent(x)" where x is a float between 0-100 inclusive.',
            f,
        )
