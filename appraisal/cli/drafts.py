"""`appraisal draft …` and `appraisal seal`: a month assembled from several submissions,
reviewed, previewed, then sealed on purpose (issue 10)."""

from __future__ import annotations

from appraisal.cli.common import AddCommand

__all__ = ["register"]


def register(command: AddCommand) -> None:
    """Adds the draft commands (none yet)."""
