"""GraphQL over HTTP, shared by the gateway and the subgraph helper: request parsing, media types
and status codes per the GraphQL-over-HTTP spec, and the few raw ASGI primitives both need."""
