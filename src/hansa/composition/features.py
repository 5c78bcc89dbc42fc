"""The linked specs a supergraph may carry besides join and link: their ``@link``, their
directive definitions and scalars, exactly as Apollo's composition writes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    link: str
    definitions: tuple[str, ...]
    types: tuple[str, ...] = ()


FEATURES: dict[str, Feature] = {
    "inaccessible": Feature(
        '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
        (
            "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
        ),
    ),
    "tag": Feature(
        '@link(url: "https://specs.apollo.dev/tag/v0.3")',
        (
            "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA",
        ),
    ),
    "authenticated": Feature(
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        ("directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",),
    ),
    "requiresScopes": Feature(
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        (
            "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
        ),
        ("scalar requiresScopes__Scope",),
    ),
    "policy": Feature(
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        (
            "directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
        ),
        ("scalar policy__Policy",),
    ),
    "cost": Feature(
        '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])',
        (
            "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
            "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
        ),
    ),
    "context": Feature(
        '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)',
        (
            "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION",
            "directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION",
        ),
        ("scalar context__ContextFieldValue",),
    ),
}
ORDER = ("inaccessible", "tag", "authenticated", "requiresScopes", "policy", "cost", "context")
