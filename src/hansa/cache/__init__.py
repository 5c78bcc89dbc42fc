"""Caches: their storage (``store``), and what is cached where (the plugins in
``hansa.plugins`` that use them)."""
