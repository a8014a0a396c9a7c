"""Benchmark: a whole `appraisal run --json --out` on a generated month, stage by stage.

    python bench/run.py [--employees 10000] [--events-per-employee 9] [--repeat 1]
                        [--keep DIR] [--jobs N]

Generates a month (bench/generate.py, seed 1; kept in ``--keep DIR`` and reused), then
runs `appraisal run --month … --roster … --events … --ledger … --json … --out …` in a
child process, as a user runs it, into a new ledger each time. The child is this same
file (``--child``): it wraps the pipeline's stage functions with timers, then calls
`appraisal.cli.main` with the arguments a user would type in ``sys.argv``, so that it
ends as the command ends; it prints the time of each
stage (read, validate, evaluate, check, seal, JSON, workbook or the wait for the child
that makes it), and the parent adds the wall time and the child's peak RSS
(``resource.getrusage(RUSAGE_CHILDREN)``).

Which code runs is the ``PYTHONPATH`` the parent is started with (the child inherits
it): compare two trees with ``PYTHONPATH=/tmp/old-tree python bench/run.py``. Stages a
tree does not have (its functions named otherwise) are left out. The tree's modules are
compiled to bytecode first (`compileall`, as ``pip install`` and ``make`` do), so that no
run compiles them from source: with ``PYTHONDONTWRITEBYTECODE`` set, none would write
what it compiled, and each would spend some 0.1 s on it. Say how busy the machine was
(`uptime`) when you quote the figures, and give the best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

MONTH = "2026-10"

# (module, function, stage): the pipeline's stage functions as `appraisal.pipeline`
# imports them; a stage is timed where the pipeline calls it.
# ``Class.method`` times a method wherever it is called.
STAGES = (
    ("appraisal.pipeline", "_read", "read"),
    ("appraisal.ledger.writer", "Writer.opening", "ledger opening"),
    ("appraisal.pipeline", "validate_inputs", "validate"),
    ("appraisal.pipeline", "evaluate", "evaluate"),
    ("appraisal.pipeline", "check_month", "check"),
    ("appraisal.pipeline", "evaluate_month", "evaluate+check"),
    ("appraisal.domain.results", "MonthResults.to_json", "results to dicts"),
    ("appraisal.pipeline", "seal", "seal"),
    ("appraisal.pipeline", "results_file_bytes", "JSON"),
    # With --json, the seal encodes each employee once for the ledger and the file alike
    # (`ResultsFile.rows`, inside "seal"): this is the rest, the file handed over.
    ("appraisal.export.results_file", "ResultsFile.file_bytes", "JSON"),
    # With a fork, the seal's fingerprint is taken in a child while the month is evaluated
    # (its own time is not seen here): how long the seal then waits for it, if at all.
    ("appraisal.ledger.early", "EarlyFingerprint.taken", "fingerprint waited for"),
    # With a fork, the workbook is made in a child begun before the seal (its own time is
    # not seen here): how long the run then waits for it, after the JSON; else the
    # workbook made in this process.
    ("appraisal.pipeline", "sealed_workbook", "workbook (waited for)"),
)


def _child(argv: Sequence[str]) -> int:
    """In the child: time each stage function, run the command, print the times as JSON."""
    spent: dict[str, float] = {}

    def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - started

        return wrapper

    for module_name, name, stage in STAGES:
        try:
            owner: Any = importlib.import_module(module_name)
        except ModuleNotFoundError:  # an older tree, without this stage's module
            continue
        *path, attribute = name.split(".")
        for step in path:
            owner = getattr(owner, step, None)
        if owner is not None and hasattr(owner, attribute):
            setattr(owner, attribute, timed(stage, getattr(owner, attribute)))
    from appraisal.cli import main

    # Run as the `appraisal` command runs: its arguments in sys.argv, so that, all written,
    # it leaves as the command does (`os._exit`, without freeing the month's records one
    # by one); the times are printed as it leaves, by this process alone (a forked child
    # leaves by `os._exit` too).
    started, me, leave = time.perf_counter(), os.getpid(), os._exit

    def report() -> None:
        spent["whole command"] = time.perf_counter() - started
        print("STAGES " + json.dumps(spent), file=sys.stderr, flush=True)

    def leaving(status: int) -> None:
        if os.getpid() == me:
            report()
        leave(status)

    os._exit = leaving  # type: ignore[assignment]  # the same function, reporting first
    sys.argv = ["appraisal", *argv]
    status = main()
    report()  # a tree whose command returns instead
    return status


def _month(folder: Path, employees: int, per_employee: int) -> tuple[Path, Path]:
    from generate import EVENT_COLUMNS, ROSTER_COLUMNS, _write, generate

    roster, events = folder / "roster.csv", folder / "events.csv"
    if not (roster.exists() and events.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        people, happenings = generate(employees, per_employee, MONTH, 1)
        _write(roster, ROSTER_COLUMNS, people)
        _write(events, EVENT_COLUMNS, happenings)
    return roster, events


def _once(roster: Path, events: Path, jobs: int | None) -> tuple[float, float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, __file__, "--child", "run", "--month", MONTH]
        command += ["--roster", str(roster), "--events", str(events), "--quiet"]
        command += ["--ledger", f"{out}/ledger.db", "--json", f"{out}/r.json"]
        command += ["--out", f"{out}/r.xlsx"]
        command += [] if jobs is None else ["--jobs", str(jobs)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode != 0:
            raise SystemExit(f"appraisal run failed ({done.returncode}):\n{done.stderr[-3000:]}")
        line = next(x for x in done.stderr.splitlines() if x.startswith("STAGES "))
        # ru_maxrss of the children is the largest of any child so far: a later, smaller
        # child does not lower it, so each repeat is reported only when it raises it.
        return wall, max(peak, before) / 1024, json.loads(line.removeprefix("STAGES "))


def compiled_tree() -> None:
    """The measured tree's packages compiled to bytecode where it is missing or stale."""
    tree = Path(os.environ.get("PYTHONPATH") or Path(__file__).resolve().parents[1])
    for package in ("appraisal", "payroll_export"):
        if (tree / package).is_dir():
            compileall.compile_dir(tree / package, quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["--child"]:
        return _child(arguments[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--events-per-employee", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs N to the run")
    parser.add_argument("--keep", type=Path, default=None, help="keep the month in DIR")
    args = parser.parse_args(arguments)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder = folder / f"{args.employees}x{args.events_per_employee}"
        roster, events = _month(folder, args.employees, args.events_per_employee)
        print(f"code: {os.environ.get('PYTHONPATH') or 'this tree'}; month: {folder}")
        compiled_tree()
        best: tuple[float, float, dict[str, float]] | None = None
        for attempt in range(1, args.repeat + 1):
            wall, peak, stages = _once(roster, events, args.jobs)
            shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in stages.items())
            print(f"  run {attempt}: {wall:.2f} s wall, peak RSS {peak:.0f} MiB; {shown}")
            if best is None or wall < best[0]:
                best = (wall, peak, stages)
        assert best is not None
        wall, peak, stages = best
        print(f"best of {args.repeat}: {wall:.2f} s wall, peak RSS {peak:.0f} MiB")
        for name, seconds in stages.items():
            print(f"  {name:<14} {seconds:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
