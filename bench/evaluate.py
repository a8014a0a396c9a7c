"""Benchmark: employee-months per second, for evaluation alone and for a whole `run`.

    python bench/evaluate.py [--employees 10000] [--events-per-employee 10] [--repeat 3]

Generates a synthetic month (bench/generate.py), then measures:
- evaluation alone: `appraisal.evaluate` on already-read inputs (validate excluded);
- the whole `appraisal run`: read CSVs, validate, evaluate, seal in a fresh ledger and
  write the JSON, in a subprocess of the installed command, as a user runs it.
Prints the best of --repeat runs for each, and the peak memory of the evaluation.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate

from appraisal import CarriedState, Month, evaluate, load_policy, read_inputs
from appraisal.engine.validate import validate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--events-per-employee", type=int, default=10)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    month = Month.parse(args.month)
    with tempfile.TemporaryDirectory(prefix="appraisal-bench-") as folder:
        work = Path(folder)
        roster_rows, event_rows = generate(args.employees, args.events_per_employee, args.month, 1)
        _write(work / "roster.csv", ROSTER_COLUMNS, roster_rows)
        _write(work / "events.csv", EVENT_COLUMNS, event_rows)
        print(f"month {month}: {len(roster_rows):,} employees, {len(event_rows):,} events")

        policy = load_policy()
        in_force = policy.in_force(month)
        started = time.perf_counter()
        inputs, issues = read_inputs(month, work / "roster.csv", [work / "events.csv"])
        read_seconds = time.perf_counter() - started
        assert inputs is not None, issues[:5]
        started = time.perf_counter()
        problems = validate(in_force, inputs.roster, inputs.events)
        validate_seconds = time.perf_counter() - started
        assert not problems, problems[:5]
        print(f"read + parse: {read_seconds:.2f} s; validate: {validate_seconds:.2f} s")

        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            evaluation = evaluate(in_force, month, inputs.roster, inputs.events, CarriedState())
            best = min(best, time.perf_counter() - started)
        assert not evaluation.issues, evaluation.issues[:5]
        people = len(evaluation.results)
        print(f"evaluation alone: {best:.2f} s → {people / best:,.0f} employee-months/s")

        tracemalloc.start()
        evaluate(in_force, month, inputs.roster, inputs.events, CarriedState())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"evaluation peak memory (tracemalloc): {peak / 2**20:.0f} MiB")

        command = Path(sys.executable).with_name("appraisal")
        best = float("inf")
        for attempt in range(args.repeat):
            ledger = work / f"bench-{attempt}.db"
            started = time.perf_counter()
            subprocess.run(
                [
                    str(command),
                    "run",
                    "--month",
                    args.month,
                    "--roster",
                    str(work / "roster.csv"),
                    "--events",
                    str(work / "events.csv"),
                    "--ledger",
                    str(ledger),
                    "--json",
                    str(work / "results.json"),
                ],
                check=True,
                capture_output=True,
            )
            best = min(best, time.perf_counter() - started)
        size = (work / "results.json").stat().st_size / 2**20
        print(
            f"whole run (read, validate, evaluate, seal, JSON {size:.0f} MiB): {best:.2f} s → {people / best:,.0f} employee-months/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
