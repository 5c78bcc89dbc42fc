"""Transport: pooled HTTP to subgraphs, with timeouts and stable error classification."""
