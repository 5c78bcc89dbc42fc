"""Files read and written while others use them: written atomically (a gateway's disk copy of
its supergraph, a registry's published directory), and watched by modification time (a
supergraph file, a subgraph list, ``hansa.toml``, a persisted-query manifest)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of one; after return, the new one
    survives a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def modified(path: Path | str) -> float:
    """When ``path`` was last modified; -1 when it cannot be read (missing, say), so a file
    that appears or goes away counts as a change."""
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0
