"""The executor: walks a query plan, merges subgraph results, completes the response."""
