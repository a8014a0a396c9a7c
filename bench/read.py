"""Benchmark: the first steps of `appraisal run`: start-up, reading the month, validating it.

    python bench/read.py [--employees 10000] [--events-per-employee 9] [--repeat 3]
                         [--keep DIR]

Generates a month (bench/generate.py, seed 1; kept in ``--keep DIR`` and reused, as
bench/run.py keeps it), then prints, each the best of ``--repeat``:

- start-up: ``import appraisal.cli`` and making the parser, in a fresh interpreter, as
  wall time and as CPU time (which a machine shared with other work disturbs less); and
  the modules it imported;
- read: `appraisal.read.inputs.read_inputs` of the roster and events CSV files;
- validate: `appraisal.engine.validate.validate_inputs` of what was read, against the
  shipped policy, with no ledger state.

Which code runs is the ``PYTHONPATH`` it is started with: compare two trees with
``PYTHONPATH=/tmp/old-tree python bench/read.py``. Say how busy the machine was
(`uptime`) when you quote the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

MONTH = "2026-10"
# Run in a fresh interpreter: the time to import the command line and make its parser.
START = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import appraisal.cli
appraisal.cli._parser()
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu, len(sys.modules)]))
"""


def start_up(repeat: int) -> tuple[float, float, int]:
    """(wall, CPU, modules) of the best start-up of ``repeat``, each in a new process."""
    best: tuple[float, float, int] | None = None
    for _ in range(repeat):
        # From a folder of its own: the current one could hold another tree's package.
        done = subprocess.run(
            [sys.executable, "-c", START],
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),
            env=dict(os.environ),
        )
        wall, cpu, modules = json.loads(done.stdout.splitlines()[-1])
        if best is None or cpu < best[1]:
            best = (wall, cpu, modules)
    assert best is not None
    return best


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall, CPU, what it returned) of the fastest of ``repeat`` runs of ``work``."""
    best: tuple[float, float, Any] | None = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        value = work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if best is None or cpu < best[1]:
            best = (wall, cpu, value)
        del value
    assert best is not None
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--events-per-employee", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the month in DIR")
    args = parser.parse_args(argv)

    wall, cpu, modules = start_up(args.repeat)
    print(f"code: {os.environ.get('PYTHONPATH') or 'this tree'}; best of {args.repeat}")
    print(f"  start-up  {wall:6.3f} s wall {cpu:6.3f} s CPU  ({modules} modules)")

    import gc

    from run import _month  # bench/run.py: the same generated month

    from appraisal.cli import GC_THRESHOLDS
    from appraisal.domain.model import CarriedState, Month
    from appraisal.engine.validate import validate_inputs
    from appraisal.policy.loaded import load_policy
    from appraisal.read.inputs import read_inputs

    gc.set_threshold(*GC_THRESHOLDS)  # as the command line runs
    with tempfile.TemporaryDirectory() as scratch:
        folder = (args.keep or Path(scratch)) / f"{args.employees}x{args.events_per_employee}"
        roster, events = _month(folder, args.employees, args.events_per_employee)
        month = Month.parse(MONTH)
        in_force = load_policy(None).in_force(month)
        hours = in_force.doc.attendance.hours_per_day

        def read() -> Any:
            return read_inputs(month, roster, [events], hours_per_day=hours)[0]

        wall, cpu, inputs = best_of(args.repeat, read)
        print(f"  read      {wall:6.3f} s wall {cpu:6.3f} s CPU  ({len(inputs.events):,} events)")
        wall, cpu, (_valid, found) = best_of(
            args.repeat, lambda: validate_inputs(in_force, inputs, CarriedState())
        )
        print(f"  validate  {wall:6.3f} s wall {cpu:6.3f} s CPU  ({len(found)} problems)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
