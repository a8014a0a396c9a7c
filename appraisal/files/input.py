"""An input file, read once: its bytes, and the sha256 of exactly those bytes.

The read stage parses `InputFile.data` and the ledger records `InputFile.sha256`, so the
hash sealed with a month is proof of the bytes that were parsed, not of a second read
that might have found another file in the same place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from appraisal.domain.canonical import sha256_bytes
from appraisal.domain.model import Issue

__all__ = ["InputFile", "file_sha256", "read_input"]


@dataclass(frozen=True)
class InputFile:
    """A file the user gave: ``path`` as given (for messages), ``name`` as the trail shows it."""

    path: str
    data: bytes = field(repr=False)
    sha256: str

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix.lower()


def read_input(path: str | Path | InputFile) -> tuple[InputFile | None, list[Issue]]:
    """The file's bytes and their sha256, or the reason it cannot be read."""
    if isinstance(path, InputFile):
        return path, []
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Issue(file, None, None, "file not found")]
    except IsADirectoryError:
        return None, [Issue(file, None, None, "is a directory, not a file")]
    except OSError as error:
        return None, [Issue(file, None, None, f"cannot read the file: {error.strerror}")]
    return InputFile(file, data, sha256_bytes(data)), []


def file_sha256(path: str | Path) -> str:
    """The hex SHA-256 of a file's bytes, as `read_input` records it."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
