"""The query planner: pure functions from a normalized operation to a printable plan."""
