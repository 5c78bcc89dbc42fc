"""Differential testing of Hansa against Apollo Gateway (``scripts/differential``)."""
