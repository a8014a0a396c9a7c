"""Outputs never destroy inputs: the files a command will write, checked before any work.

A path the user gives to write (``--json``, ``--out``, ``-o``) may not name a file the
same command reads (the ledger, the roster, an events file, the policy), nor another
output, nor a directory or anything but a regular file. Two paths are the same file
however they are written: ``./e.csv`` and ``e.csv``, a symbolic link and its target,
two hard links. The command line refuses these as usage errors, before a policy is
parsed or a month sealed, so a slip of the hand never costs a ledger or an input.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from appraisal.i18n import _

__all__ = ["Output", "Read", "output_problems", "same_file"]


@dataclass(frozen=True)
class Output:
    """A file the command will write: the option that names it, the path, the suffix it needs."""

    option: str
    path: Path | None
    suffix: str | None = None


@dataclass(frozen=True)
class Read:
    """A file the command reads (or, for the ledger, reads and seals into)."""

    option: str
    path: Path | None


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: by inode when both exist, else by resolved path."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def output_problems(outputs: Sequence[Output], reads: Sequence[Read]) -> list[str]:
    """Every problem with the files to write, one message each; [] when all may be written."""
    problems: list[str] = []
    written: list[Output] = []
    for output in outputs:
        path = output.path
        if path is None:
            continue
        problems += _place_problems(output.option, path, output.suffix)
        for read in reads:
            if read.path is not None and same_file(path, read.path):
                problems.append(
                    _(
                        "{path}: {option} names the file {option2} reads ({path2}); a file the program writes never replaces one it reads"
                    ).format(path=path, option=output.option, option2=read.option, path2=read.path)
                )
        for other in written:
            assert other.path is not None
            if same_file(path, other.path):
                problems.append(
                    _(
                        "{path}: {option} and {option2} name the same file; give each output its own file"
                    ).format(path=path, option=output.option, option2=other.option)
                )
        written.append(output)
    return problems


def _place_problems(option: str, path: Path, suffix: str | None) -> list[str]:
    if suffix is not None and path.suffix.lower() != suffix:
        return [
            _("{path}: the file to write must end in {suffix}").format(path=path, suffix=suffix)
        ]
    if path.is_dir():
        return [f"{path}: is a directory"]
    if not path.parent.is_dir():
        return [
            _("{path}: the folder {parent} does not exist").format(path=path, parent=path.parent)
        ]
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return []
    except OSError as error:
        return [
            _("{path}: cannot be written: {strerror}").format(path=path, strerror=error.strerror)
        ]
    if stat.S_ISLNK(mode) and path.exists() and not path.is_file():
        return [
            _("{path}: {option} names a link to something other than a regular file").format(
                path=path, option=option
            )
        ]
    if not stat.S_ISLNK(mode) and not stat.S_ISREG(mode):
        return [
            _("{path}: {option} names a device, pipe or socket, not a regular file").format(
                path=path, option=option
            )
        ]
    return []
