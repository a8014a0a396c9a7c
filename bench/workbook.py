"""Benchmark: writing the salary-adjustment workbook of a large month.

    python bench/workbook.py [--employees 10000 100000] [--events-per-employee 10]
                             [--month 2026-10] [--repeat 2] [--keep FILE.xlsx]
                             [--levels] [--beside]

For each size: generates a synthetic month (bench/generate.py), evaluates it
(`evaluate_rows`) and reads its results back typed as the ledger's JSON is
(`MonthResults.from_json`, timed on its own) before the clock starts; then times
`payroll_export.salary_workbook` alone and prints the best of ``--repeat`` runs:
seconds (wall and CPU), rows written per second (every row of every sheet), the peak
memory of one write under tracemalloc, and the file's size. The manifest stands in for
a ledger record: its hashes are of the generated data.

``--levels`` prints, for the workbook written, the time and size of deflating its parts
at each zlib level (how `appraisal.files.xlsx.COMPRESS_LEVEL` was chosen). ``--beside``
times the export stage's two files both ways: the results JSON then the workbook in one
process, and the workbook in a child process while this one writes the JSON
(`appraisal.export.workbook.workbook_beside`). Say how busy the machine was (uptime):
the child helps only with a core to spare.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from appraisal import Month, load_policy
from appraisal.domain.canonical import sha256_of
from appraisal.domain.results import MonthResults
from appraisal.domain.version import __version__
from appraisal.export.results_file import results_file_bytes
from appraisal.export.workbook import run_beside
from appraisal.files.output import write_atomic
from appraisal.files.xlsx import COMPRESS_LEVEL
from appraisal.policy.lines import demotion_line
from appraisal.rows import evaluate_rows
from payroll_export import LevelLabel, Manifest, salary_workbook


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--events-per-employee", type=int, default=10)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the (last) workbook here")
    parser.add_argument("--levels", action="store_true", help="time each deflate level")
    parser.add_argument("--beside", action="store_true", help="time the workbook in a child")
    args = parser.parse_args(argv)
    print(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} cores")
    for employees in args.employees:
        data = bench(employees, args)
        if args.levels:
            levels(data)
        if args.keep:
            args.keep.write_bytes(data)
            print(f"kept in {args.keep}")
    return 0


def bench(employees: int, args: argparse.Namespace) -> bytes:
    """Time the workbook of a generated month of ``employees``; return its bytes."""

    started = time.perf_counter()
    roster, events = generate(employees, args.events_per_employee, args.month, 1)
    policy = load_policy()
    results = evaluate_rows(args.month, roster, events, policy=policy)
    print(
        f"month {args.month}: {len(roster):,} employees, {len(events):,} events "
        f"(generated and evaluated in {time.perf_counter() - started:.1f} s)"
    )
    started = time.perf_counter()
    typed = MonthResults.from_json(results)
    print(f"results read back typed in {time.perf_counter() - started:.2f} s")
    in_force = policy.in_force(Month.parse(args.month))
    manifest = Manifest(
        month=args.month,
        policy_id=policy.id,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        input_files={"roster.csv": sha256_of(roster), "events.csv": sha256_of(events)},
        engine_version=__version__,
        record_hash=sha256_of(results),
        ledger_version=1,
        ledger_seq=1,
        demotion_line=demotion_line(in_force),
        pay_day_of_month=in_force.doc.pay.pay_day_of_month,
    )
    ladder = [LevelLabel(level.id, level.title, level.track) for level in in_force.levels.values()]

    best, cpu, data = float("inf"), float("inf"), b""
    for _ in range(args.repeat):
        started, used = time.perf_counter(), time.process_time()
        data = salary_workbook(typed, manifest, ladder)
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - used)

    tracemalloc.start()
    salary_workbook(typed, manifest, ladder)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rows = _rows_written(data)
    trail = sum(len(person.trace) for person in typed.employees)
    print(f"audit trail (审计轨迹): {trail:,} rows; all sheets: {rows:,} rows")
    print(f"write: {best:.2f} s (CPU {cpu:.2f} s) → {rows / best:,.0f} rows/s")
    print(f"write peak memory (tracemalloc): {peak / 2**20:.0f} MiB")
    print(f"file: {len(data) / 2**20:.1f} MiB (deflate level {COMPRESS_LEVEL})")
    if args.beside:
        beside(typed, manifest, ladder, args.repeat)
    return data


def levels(data: bytes) -> None:
    """Deflate the workbook's parts at each level: seconds (best of 3) and size."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(name) for name in archive.namelist()]
    print(f"deflating {sum(map(len, parts)) / 2**20:.0f} MiB of parts:")
    for level in range(1, 10):
        best, size = float("inf"), 0
        for _ in range(3):
            started, size = time.perf_counter(), 0
            for part in parts:
                deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
                size += len(deflate.compress(part)) + len(deflate.flush())
            best = min(best, time.perf_counter() - started)
        print(f"  level {level}: {best:.2f} s, {size / 2**20:.1f} MiB")


def beside(typed: MonthResults, manifest: Manifest, ladder: list[LevelLabel], repeat: int) -> None:
    """The export stage's two files, one after the other and with the workbook beside."""
    document = typed.to_json()
    with tempfile.TemporaryDirectory() as folder:
        json_path, xlsx_path = Path(folder, "r.json"), Path(folder, "w.xlsx")
        alone = both = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            write_atomic(json_path, results_file_bytes(document))
            write_atomic(xlsx_path, salary_workbook(typed, manifest, ladder))
            alone = min(alone, time.perf_counter() - started)
            started = time.perf_counter()
            workbook = run_beside(lambda: salary_workbook(typed, manifest, ladder))
            write_atomic(json_path, results_file_bytes(document))
            write_atomic(xlsx_path, workbook())
            both = min(both, time.perf_counter() - started)
    print(f"JSON and workbook: {alone:.2f} s in one process, {both:.2f} s with a child")


def _rows_written(data: bytes) -> int:
    """Rows of every sheet, counted in the file itself."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return sum(archive.read(name).count(b"<row ") for name in sheets)


if __name__ == "__main__":
    sys.exit(main())
