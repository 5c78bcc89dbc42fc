"""``INVALID_LINK_IDENTIFIER``, ``INVALID_LINK_DIRECTIVE_USAGE``,
``UNKNOWN_FEDERATION_LINK_VERSION``, ``UNKNOWN_LINK_VERSION``: the schema's ``@link``s must
name versioned specs once each, a federation version Apollo knows, and import renames that keep
a directive a directive. Any of these makes the rest of the subgraph's names meaningless."""

from __future__ import annotations

import re

from hansa.composition.rules.context import SubgraphContext

KNOWN_FEDERATION_MINOR = 11
VERSION = re.compile(r"^v(\d+)\.(\d+)$")


def link_usage(context: SubgraphContext) -> None:
    sg = context.subgraph
    linked: set[str] = set()
    linked_versions: dict[str, str] = {}
    for link in sg.links:
        url = link.string("url") or ""
        base, _, version = url.rstrip("/").rpartition("/")
        if not VERSION.match(version):
            context.report(
                "INVALID_LINK_IDENTIFIER",
                f"Expected a version string (of the form v1.2), got {version}",
            )
            continue
        feature = base.rsplit("/", 1)[-1]
        if base in linked:
            context.report(
                "INVALID_LINK_DIRECTIVE_USAGE",
                f'Cannot link feature "{base}" since it has already been linked in the schema.',
            )
        linked.add(base)
        linked_versions[base] = version
        match = VERSION.match(version)
        assert match is not None
        major, minor = int(match.group(1)), int(match.group(2))
        if feature == "federation" and (major != 2 or minor > KNOWN_FEDERATION_MINOR):
            context.report(
                "UNKNOWN_FEDERATION_LINK_VERSION",
                f"Invalid version {version} for the federation feature in @link directive on schema",
            )
        if (
            base.endswith("specs.apollo.dev/link")
            and (major, minor) != (1, 0)
            and len(sg.links) == 1
        ):
            context.report(
                "UNKNOWN_LINK_VERSION",
                f"Schema uses unknown version {version} of the link spec",
            )
        imports = link.args.get("import")
        for item in getattr(imports, "values", None) or ():
            fields = {
                f.name.value: getattr(f.value, "value", None)
                for f in getattr(item, "fields", None) or ()
            }
            name, alias = fields.get("name"), fields.get("as")
            if (
                isinstance(name, str)
                and isinstance(alias, str)
                and name.startswith("@") != alias.startswith("@")
            ):
                expected = (
                    "start with a '@' character"
                    if name.startswith("@")
                    else "not start with a '@' character"
                )
                context.report(
                    "INVALID_LINK_DIRECTIVE_USAGE",
                    f'Invalid @link import renaming: directive "{name}" imported name should {expected}, but got "{alias}".',
                )
    if linked_versions.get("https://specs.apollo.dev/link", "v1.0") != "v1.0" and any(
        b.startswith("https://specs.apollo.dev/federation") for b in linked
    ):
        # A federation link brings the link spec v1.0 along (@apollo/subgraph prints it
        # explicitly, which is fine); another version of it is a second link of the spec.
        context.report(
            "INVALID_LINK_DIRECTIVE_USAGE",
            'Cannot link feature "https://specs.apollo.dev/link" since it has already been linked in the schema.',
        )
