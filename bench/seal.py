"""Benchmark: the seal of one month, its time and peak RSS, on synthetic results.

    python bench/seal.py [--employees 10000 100000] [--repeat 3]

For each size, a child process builds a month of synthetic results (`MonthResults` of
employees with a realistic trail of about nine entries each, Chinese names and effect
texts, money as Decimal) and synthetic inputs, then seals it (`NewSeal.of` and
`Ledger.seal`, what `appraisal.pipeline.seal` does) into a new ledger, and reads the
state handed on back (`Writer.opening`, what the next month does), and makes what the
export makes of it (the results file, `MonthResults.as_sealed`). It prints the time of
each, the ledger's size, the RSS when the month is built and the peak RSS of the child
(``resource.getrusage``): the seal's own memory is the difference.

Which code runs is the ``PYTHONPATH`` it is started with: compare two trees with
``PYTHONPATH=/tmp/old-tree python bench/seal.py``. Say how busy the machine was
(`uptime`) when you quote the figures; the best of ``--repeat`` is shown.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

MONTH = "2026-10"


def _results(employees: int) -> tuple[object, object, object]:
    """Synthetic results, inputs and the state after, for ``employees`` people."""
    from appraisal.domain.model import CarriedState, Employee, Event, Month, Source
    from appraisal.domain.results import (
        EmployeeResult,
        MonthResults,
        PayFields,
        PolicyInfo,
        ScoreResult,
        TraceEntry,
    )
    from appraisal.read.inputs import MonthInputs

    month = Month.parse(MONTH)
    people, events, results = [], [], []
    for n in range(employees):
        emp = f"E{n:06d}"
        people.append(Employee(emp, f"员工{n}", "specialist", Source("roster.csv", n + 2)))
        trace = []
        for k in range(9):
            row = n * 9 + k + 2
            source = Source("events.csv", row)
            day = date(month.year, month.month, 1 + k)
            events.append(Event(emp, day, "late", source, value=Decimal(k + 1)))
            trace.append(
                TraceEntry(
                    "attendance.late",
                    "3.1",
                    f"迟到{k + 1}分钟：罚款{k + 1}.00元，扣{k % 3}分",
                    source,
                    Decimal(-(k % 3)),
                    "fines",
                    Decimal(k + 1),
                )
            )
        pay = PayFields.from_exact({"base": Decimal("3000"), "fines": Decimal(45)})
        results.append(
            EmployeeResult(
                employee_id=emp,
                name=f"员工{n}",
                department="客服部",
                level="specialist",
                next_level="specialist",
                score=ScoreResult(Decimal(50), Decimal(91), Decimal(141)),
                pay=pay,
                dismissal=False,
                dismissal_reasons=(),
                demotion_reasons=(),
                promoted_to=None,
                titles=(),
                compliance=(),
                review=(),
                trace=tuple(trace),
                offences={"attendance.late": 9},
            )
        )
    info = PolicyInfo("customer_service", "1", "0" * 64)
    inputs = MonthInputs(month, tuple(people), tuple(events), {"roster.csv": "1" * 64})
    state = CarriedState({r.employee_id: "specialist" for r in results})
    return MonthResults(MONTH, info, tuple(results)), inputs, state


def _rss() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _without_cycle_collection() -> contextlib.AbstractContextManager[object]:
    try:
        from appraisal.domain.pauses import without_cycle_collection
    except ImportError:
        return contextlib.nullcontext()
    return without_cycle_collection()


def _child(employees: int) -> int:
    """In the child: build the month, seal it, read its state back; print the figures."""
    from appraisal.domain.model import CarriedState, Month
    from appraisal.export.results_file import results_file_bytes
    from appraisal.ledger.records import NewSeal
    from appraisal.ledger.store import Ledger
    from appraisal.ledger.writer import writing
    from appraisal.policy.loaded import load_policy

    policy = load_policy(None)
    results, inputs, state = _results(employees)
    built = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, float] = {"built RSS MiB": built}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.db"
        started = time.perf_counter()
        # As `run_month` seals: without pauses of the cycle collector, if the tree has them.
        with _without_cycle_collection():
            new = NewSeal.of(inputs, policy, CarriedState(), state, results, "bench")  # type: ignore[arg-type]
            figures["NewSeal.of s"] = time.perf_counter() - started
            figures["NewSeal.of RSS MiB"] = _rss()
            with Ledger(path) as ledger:
                ledger.seal(new)
        figures["seal s"] = time.perf_counter() - started
        figures["ledger MiB"] = path.stat().st_size / 2**20
        # What the export makes of the same month: the results file and the typed
        # results as the ledger gives them back (the workbook's input).
        started = time.perf_counter()
        try:  # from the typed results, as `appraisal run` writes it
            written = results_file_bytes(results)  # type: ignore[arg-type]
        except AttributeError:  # a tree whose results file is made from the document only
            written = results_file_bytes(new.results)
        figures["results file s"] = time.perf_counter() - started
        figures["results file MiB"] = len(written) / 2**20
        del written
        started = time.perf_counter()
        sealed = results.as_sealed()  # type: ignore[attr-defined]
        figures["as_sealed s"] = time.perf_counter() - started
        figures["as_sealed RSS MiB"] = _rss()
        del new, sealed
        started = time.perf_counter()
        with writing(path) as writer:
            writer.opening(Month.parse("2026-11"))
        figures["next month's opening s"] = time.perf_counter() - started
    figures["peak RSS MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("FIGURES " + json.dumps(figures))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["--child"]:
        return _child(int(arguments[1]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(arguments)
    for employees in args.employees:
        runs = []
        for _ in range(args.repeat):
            command = [sys.executable, __file__, "--child", str(employees)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"the seal of {employees} failed:\n{done.stderr[-3000:]}")
            line = next(x for x in done.stdout.splitlines() if x.startswith("FIGURES "))
            runs.append(json.loads(line.removeprefix("FIGURES ")))
        best = min(runs, key=lambda figures: figures["seal s"])
        shown = ", ".join(f"{name} {value:.2f}" for name, value in best.items())
        print(f"{employees} employees, best of {args.repeat}: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
