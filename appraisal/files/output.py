"""Writing a file so that no one ever sees half of it.

Every file the program writes (results JSON, workbooks, the input form, imported
events) goes through `write_atomic`: the bytes go to a new temporary file in the same
folder, created exclusively (so a file or link planted under that name is never
followed), flushed to disk, then renamed over the target in one step. On any failure
the temporary file is removed and the target is as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole, or not at all."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    # mkstemp creates the file 0600; a written result should have the usual permissions.
    current = os.umask(0)
    os.umask(current)
    return current
