"""Benchmark: employee-months per second, for evaluation alone and for a whole `run`.

    python bench/evaluate.py [--employees 10000] [--events-per-employee 10] [--repeat 3]
        [--jobs 1 2] [--no-run]

Generates a synthetic month (bench/generate.py), then measures:
- two hand-written Decimal loops over the same events, the floors that evaluation is
  compared with (issue 11: "1.5× a plain hand-written Decimal loop or better"):
  - `plain_month` (bench/plain.py), **the plain loop**: the shipped scheme evaluated by
    hand, constants in the code, no policy, rule objects or trace framework, one trace
    tuple per item charged. It gives the same score, pay fields, level and award as
    evaluation for every employee, which is checked (`agree`) before anything is timed,
    so it is the honest floor: the work any evaluator of the scheme must do, no more;
  - `sums_loop`, **sums by kind only**: each row's points and yuan by its kind, FIXED
    per kind, summed per employee with a trace tuple each. It ignores the scheme
    (tiers, daily wages, caps, the score's bounds, levels, awards), so its answers are
    wrong; it is kept as the lower bound of merely walking the rows, and because the
    earlier figures (8×) were against it;
- what evaluation must make that the plain loop does not, each timed alone: each
  employee's rows put in content order (`in_content_order`: the order of the trace, so
  that the order of rows in a file changes nothing), and the results' records made
  from finished figures (per employee an `EmployeeResult` with its `PayFields` and
  `ScoreResult`, and a `TraceEntry` per rule that fired, as the fold makes them).
  Added to the plain loop, they give **the same results by hand**: the least any
  evaluator that returns these results spends, with no policy read at all;
- evaluation alone: `appraisal.evaluate` on already-read inputs (validate excluded), and
  its ratio to each floor. All are timed as `appraisal run` runs them, inside
  `without_cycle_collection` (the collector off while the month's records are made, as
  `pipeline.run_month` keeps it; `evaluate` turns it off itself): each floor is also
  timed with the collector on, as the issue first measured it, and printed beside;
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
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate
from plain import FIGURES, agree, plain_month

from appraisal import CarriedState, Month, evaluate, load_policy, read_inputs
from appraisal.check.shards import evaluate_month
from appraisal.domain.makers import slotted_maker
from appraisal.domain.model import Event, Kind
from appraisal.domain.pauses import without_cycle_collection
from appraisal.domain.results import EmployeeResult, PayFields, ScoreResult, TraceEntry
from appraisal.engine.evaluate import in_content_order
from appraisal.engine.validate import validate, validate_inputs

# What the sums-by-kind loop charges a row of each kind: (points, yuan), fixed.
SUMS = {
    Kind.LATE: (Decimal(-1), Decimal("-10.00")),
    Kind.EARLY_LEAVE: (Decimal(-1), Decimal("-10.00")),
    Kind.ABSENT: (Decimal(-3), Decimal("-100.00")),
    Kind.OVERTIME: (None, Decimal("35.50")),
    Kind.REWARD: (Decimal(2), Decimal("50")),
    Kind.PENALTY: (Decimal(-2), Decimal("-20")),
    Kind.CRITERION: (Decimal(5), None),
    Kind.EXAM: (Decimal(10), None),
}


def sums_loop(
    events: Sequence[Event],
) -> dict[str, tuple[Decimal, Decimal, list[tuple[object, ...]]]]:
    """Sums by kind only: every row's points and yuan by kind, summed per employee in
    exact Decimal, each row leaving a trace tuple, employees in id order and rows in
    content order, as evaluation orders them. No scheme at all: a lower bound of walking
    the rows, not an evaluator (its figures are not the month's)."""
    by_employee: dict[str, list[Event]] = {}
    for event in events:
        by_employee.setdefault(event.employee_id, []).append(event)
    out = {}
    nothing = (None, None)
    for employee in sorted(by_employee):
        points, yuan, trace = Decimal(0), Decimal(0), []
        for event in sorted(by_employee[employee], key=Event.sort_key):
            score, money = SUMS.get(event.kind, nothing)
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


def content_order(events: Sequence[Event]) -> Callable[[], object]:
    """Each employee's rows (grouped already, as the plain loop groups them) put in
    content order, as evaluation takes them."""
    by_employee: dict[str, list[Event]] = {}
    for event in events:
        by_employee.setdefault(event.employee_id, []).append(event)
    rows = list(by_employee.values())
    return lambda: [in_content_order(own) for own in rows]


# The records made as the fold makes them (`appraisal.engine.fold`): a slot at a time.
_result, _pay, _score = map(slotted_maker, (EmployeeResult, PayFields, ScoreResult))


def records(results: Sequence[EmployeeResult]) -> Callable[[], object]:
    """The results' records made again from their finished figures: per employee the
    result, its pay and score, and a `TraceEntry` per rule that fired, made as the rules
    make them (one C call each); the figures, texts and rows are given, not worked out."""
    new = tuple.__new__
    made = [(r, tuple(r.pay.values.items()), [tuple(entry) for entry in r.trace]) for r in results]

    def make() -> list[EmployeeResult]:
        return [
            _result(
                r.employee_id,
                r.name,
                r.department,
                r.level,
                r.next_level,
                _score(r.score.add, r.score.deduct_left, r.score.total),
                _pay(dict(pay)),
                r.dismissal,
                r.dismissal_reasons,
                r.demotion_reasons,
                r.promoted_to,
                r.titles,
                (),
                r.review,
                tuple([new(TraceEntry, fields) for fields in trace]),
                {},
                None,
                r.appraised,
            )
            for r, pay, trace in made
        ]

    return make


def best_of(repeat: int, run: Callable[[], object], *, collector: bool = True) -> float:
    """The shortest of ``repeat`` timings of ``run``, with the cycle collector off (as
    `appraisal run` evaluates a month) or on. What it made is freed after the clock
    stops, as a run keeps its month's results: freeing them is no part of the work."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        if collector:
            made = run()
        else:
            with without_cycle_collection():
                made = run()
        best = min(best, time.perf_counter() - started)
        del made
    return best


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

        plain = plain_month(inputs.roster, inputs.events, month)
        evaluation = evaluate(in_force, month, inputs.roster, inputs.events, state)
        assert not evaluation.issues, evaluation.issues[:5]
        differences = agree(plain, evaluation.results)
        assert not differences, differences[:10]
        people = len(evaluation.results)
        print(
            f"plain loop agrees with evaluation on {people:,} employees, "
            f"{people * len(FIGURES):,} figures"
        )
        extra = {
            "content order": content_order(inputs.events),
            "the results' records": records(evaluation.results),
        }
        del plain, evaluation

        floors = {
            "sums by kind only (sums_loop)": lambda: sums_loop(inputs.events),
            "plain hand-written evaluator (bench/plain.py)": lambda: plain_month(
                inputs.roster, inputs.events, month
            ),
        }
        timed = {
            name: (best_of(args.repeat, run, collector=False), best_of(args.repeat, run))
            for name, run in floors.items()
        }
        for name, (floor, collected) in timed.items():
            print(f"{name}: {floor:.2f} s ({collected:.2f} s with the cycle collector on)")
        made = {name: best_of(args.repeat, run, collector=False) for name, run in extra.items()}
        for name, seconds in made.items():
            print(f"  beyond the plain loop, {name} alone: {seconds:.3f} s")
        plain_name = "plain hand-written evaluator (bench/plain.py)"
        by_hand = timed[plain_name][0] + sum(made.values())
        same = "the same results by hand (plain loop + content order + records)"
        timed[same] = (by_hand, timed[plain_name][1] + sum(made.values()))
        print(f"{same}: {by_hand:.2f} s, {by_hand / timed[plain_name][0]:.2f}× the plain loop")

        best = best_of(
            args.repeat,
            lambda: evaluate(in_force, month, inputs.roster, inputs.events, state),
            collector=False,
        )
        print(f"evaluation alone: {best:.2f} s → {people / best:,.0f} employee-months/s")
        for name, (floor, collected) in timed.items():
            print(
                f"  {best / floor:.2f}× {name} ({best / collected:.1f}× its time with the "
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
