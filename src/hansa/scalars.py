"""Scalar types for database subgraph models (``from hansa.scalars import ID, DateTime,
Decimal``): annotations that name the GraphQL scalar a column is exposed as. They are
``typing.NewType``s over the Python value the drivers return, so a model's annotations stay
ordinary Python.

``DateTime`` is served as ISO-8601 text, ``Date`` as ``YYYY-MM-DD``, ``Decimal`` as a string
(never a float: no precision is lost on the way), ``JSON`` as the value itself.
"""

from __future__ import annotations

import datetime as _datetime
import decimal as _decimal
from typing import Any, NewType

ID = NewType("ID", str)
DateTime = NewType("DateTime", _datetime.datetime)
Date = NewType("Date", _datetime.date)
Decimal = NewType("Decimal", _decimal.Decimal)
JSON = NewType("JSON", Any)  # type: ignore[valid-newtype]

__all__ = ["ID", "JSON", "Date", "DateTime", "Decimal"]
