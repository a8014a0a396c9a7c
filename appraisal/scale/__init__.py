"""Replays at scale: one month read by what it needs, every month in parallel
(`appraisal replay --all`), here or on a Dask cluster (docs/scale.md).

The auditor's side of the pipeline: `stored` reads records as stored and checks the
chain by parts, `recompute` is the per-month map, `all_months` runs it over every sealed
month in worker processes, and `cluster` on a Dask distributed cluster (the extra
``dask``).
"""

from __future__ import annotations

from appraisal.scale.all_months import AllReplays, replay_all
from appraisal.scale.recompute import MonthReplay, recompute, replay_stored, stored_policy

__all__ = ["AllReplays", "MonthReplay", "recompute", "replay_all", "replay_stored", "stored_policy"]
