"""`appraisal reseal` and `appraisal what-if`: months sealed again on an amended state,
and a draft policy tried on sealed months (issue 10)."""

from __future__ import annotations

from appraisal.cli.common import AddCommand

__all__ = ["register"]


def register(command: AddCommand) -> None:
    """Adds the lifecycle commands (none yet)."""
