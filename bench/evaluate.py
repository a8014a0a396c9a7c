"""Benchmark: employee-months per second, for evaluation alone and for a whole `run`.

    python bench/evaluate.py [--employees 10000] [--events-per-employee 10] [--repeat 3]
        [--jobs 1 2] [--no-run]

Generates a synthetic month (bench/generate.py), then measures:
- a plain hand-written Decimal loop over the same events (`plain_loop`: each row's
  points and yuan by kind, summed per employee with a trace tuple each): the floor that
  evaluation is compared with (issue 11: 1.5× it or better);
- evaluation alone: `appraisal.evaluate` on already-read inputs (validate excluded), and
  the ratio to the plain loop. Both are timed as `appraisal run` runs them, inside
  `without_cycle_collection` (the collector off while the month's records are made, as
  `pipeline.run_month` keeps it): the floor is then less than half of what it is with the
  collector on, which is printed too, as the issue measured it;
- evaluate → net pay → check over ``--jobs`` processes (`appraisal.check.shards`), for
  each N given;
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
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate

from appraisal import CarriedState, Month, evaluate, load_policy, read_inputs
from appraisal.check.shards import evaluate_month
from appraisal.domain.model import Event, Kind
from appraisal.domain.pauses import without_cycle_collection
from appraisal.engine.validate import validate, validate_inputs

# What the plain loop charges a row of each kind: (points, yuan), fixed.
PLAIN = {
    Kind.LATE: (Decimal(-1), Decimal("-10.00")),
    Kind.EARLY_LEAVE: (Decimal(-1), Decimal("-10.00")),
    Kind.ABSENT: (Decimal(-3), Decimal("-100.00")),
    Kind.OVERTIME: (None, Decimal("35.50")),
    Kind.REWARD: (Decimal(2), Decimal("50")),
    Kind.PENALTY: (Decimal(-2), Decimal("-20")),
    Kind.CRITERION: (Decimal(5), None),
    Kind.EXAM: (Decimal(10), None),
}


def plain_loop(
    events: Sequence[Event],
) -> dict[str, tuple[Decimal, Decimal, list[tuple[object, ...]]]]:
    """The floor: every row's points and yuan by kind, summed per employee in exact
    Decimal, each row leaving a trace tuple, employees in id order and rows in content
    order, as evaluation orders them. No policy, no rule: what any evaluator must do."""
    by_employee: dict[str, list[Event]] = {}
    for event in events:
        by_employee.setdefault(event.employee_id, []).append(event)
    out = {}
    nothing = (None, None)
    for employee in sorted(by_employee):
        points, yuan, trace = Decimal(0), Decimal(0), []
        for event in sorted(by_employee[employee], key=Event.sort_key):
            score, money = PLAIN.get(event.kind, nothing)
            if event.points is not None:
                score = event.points
            if event.amount is not None:
                money = event.amount
            if score is not None:
                points += score
            if money is not None:
                yuan += money * (event.value or 1)
            trace.append((event.kind, event.source, score, money))
        out[employee] = (points, yuan.quantize(Decimal("0.01")), trace)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--events-per-employee", type=int, default=10)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="N to measure")
    parser.add_argument("--no-run", action="store_true", help="skip the whole `appraisal run`")
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
        state = CarriedState()
        validate_seconds = time.perf_counter() - started
        assert not problems, problems[:5]
        print(f"read + parse: {read_seconds:.2f} s; validate: {validate_seconds:.2f} s")

        collected = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            plain_loop(inputs.events)
            collected = min(collected, time.perf_counter() - started)
        floor = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            with without_cycle_collection():
                plain_loop(inputs.events)
            floor = min(floor, time.perf_counter() - started)
        print(
            f"plain hand-written Decimal loop: {floor:.2f} s "
            f"({collected:.2f} s with the cycle collector on)"
        )

        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            with without_cycle_collection():
                evaluation = evaluate(in_force, month, inputs.roster, inputs.events, state)
            best = min(best, time.perf_counter() - started)
        assert not evaluation.issues, evaluation.issues[:5]
        people = len(evaluation.results)
        print(
            f"evaluation alone: {best:.2f} s → {people / best:,.0f} employee-months/s; "
            f"{best / floor:.1f}× the plain loop ({best / collected:.1f}× its time with the "
            "collector on)"
        )
        valid, _ = validate_inputs(in_force, inputs, CarriedState())
        for jobs in args.jobs:
            spent = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                with without_cycle_collection():  # as `run_month` computes the month
                    evaluate_month(in_force, valid, state, check=True, jobs=jobs)
                spent = min(spent, time.perf_counter() - started)
            print(f"evaluate → net pay → check, --jobs {jobs}: {spent:.2f} s")

        tracemalloc.start()
        evaluate(in_force, month, inputs.roster, inputs.events, CarriedState())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"evaluation peak memory (tracemalloc): {peak / 2**20:.0f} MiB")

        if args.no_run:
            return 0
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
