"""The demo graph: three in-memory subgraphs (accounts, products, reviews) that federate.

It shows entities crossing subgraphs through ``@key``, a ``@requires`` (a review summary needs
the product's name from the products subgraph) and a ``@provides`` (reviews can return an
author's username without a trip to accounts).
"""

from hansa.demo.accounts import accounts
from hansa.demo.products import products
from hansa.demo.reviews import reviews

SUBGRAPHS = (accounts, products, reviews)
DEMO_PORTS = {"accounts": 4001, "products": 4002, "reviews": 4003}

__all__ = ["DEMO_PORTS", "SUBGRAPHS", "accounts", "products", "reviews"]
