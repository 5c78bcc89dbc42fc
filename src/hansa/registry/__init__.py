"""The schema registry: published subgraph schemas, composed supergraphs and their checks."""
