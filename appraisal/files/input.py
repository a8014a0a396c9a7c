"""An input file, read once: its bytes, and the sha256 of exactly those bytes.

The read stage parses `InputFile.data` and the ledger records `InputFile.sha256`, so the
hash sealed with a month is proof of the bytes that were parsed, not of a second read
that might have found another file in the same place.

Only a regular file is read: a FIFO, a device (``/dev/zero``) or a folder given as an
input is refused, never waited on or read without end. The file is opened without
blocking and the opened descriptor is what is checked (a name checked before opening
could be swapped in between), then read up to `MAX_INPUT_BYTES`.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from appraisal.domain.canonical import sha256_bytes
from appraisal.domain.model import Issue
from appraisal.i18n import _

__all__ = ["MAX_INPUT_BYTES", "InputFile", "file_sha256", "read_input"]

MAX_INPUT_BYTES = 512 * 2**20  # an input file read whole: 512 MB


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
        data = _read_regular(file)
    except FileNotFoundError:
        return None, [Issue(file, None, None, _("file not found"))]
    except IsADirectoryError:
        return None, [Issue(file, None, None, "is a directory, not a file")]
    except _NotRegular as refused:
        return None, [Issue(file, None, None, str(refused))]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [
            Issue(file, None, None, _("cannot read the file: {reason}").format(reason=reason))
        ]
    return InputFile(file, data, sha256_bytes(data)), []


class _NotRegular(Exception):
    """A path that is not a regular file, or one too big to read."""


def _read_regular(file: str) -> bytes:
    """The bytes of a regular file, opened without blocking (a FIFO would wait for a
    writer) and checked on the opened descriptor, before anything is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(file, flags)
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(file)
        if not stat.S_ISREG(status.st_mode):
            raise _NotRegular(
                _("not a regular file (it is {st_mode}); give a file").format(
                    st_mode=_kind(status.st_mode)
                )
            )
        if status.st_size > MAX_INPUT_BYTES:
            raise _NotRegular(
                _(
                    "{st_size:,.0f} MB; an input file may be at most {max_input_bytes:,} MB (MAX_INPUT_BYTES)"
                ).format(st_size=status.st_size / 2**20, max_input_bytes=MAX_INPUT_BYTES // 2**20)
            )
        chunks = []
        left = MAX_INPUT_BYTES + 1  # a file that grows while it is read is still capped
        while left > 0 and (chunk := os.read(descriptor, min(left, 2**24))):
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise _NotRegular(
                _(
                    "more than {max_input_bytes:,} MB; an input file may be at most {max_input_bytes:,} MB (MAX_INPUT_BYTES)"
                ).format(max_input_bytes=MAX_INPUT_BYTES // 2**20)
            )
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a FIFO, a named pipe")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a plain file")


def file_sha256(path: str | Path) -> str:
    """The hex SHA-256 of a file's bytes, as `read_input` records it."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
