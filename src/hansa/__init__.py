"""Hansa: a GraphQL federation platform."""

__version__ = "0.1.0"
