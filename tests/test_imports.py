"""Every module of the package imports on its own, first, in a fresh interpreter state.

An import cycle hides when some other module happens to be imported first (``hansa.server.app``
imported alone once failed that way), so each module is imported with no ``hansa`` module loaded.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import hansa
names = [m.name for m in pkgutil.walk_packages(hansa.__path__, "hansa.")]
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "hansa" or m.startswith("hansa.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print(len(names))
print("\\n".join(failed))
"""


def test_every_module_imports_first() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=120
    )
    count, _, failures = done.stdout.partition("\n")
    assert int(count) > 50
    assert failures.strip() == ""
