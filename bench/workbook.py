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

Then the same workbook in its two steps (`payroll_export.workbook.prepare_workbook`,
the rows, before the month is sealed; `PreparedWorkbook.finish`, what the record says),
each timed, and checked to give the same bytes; and `MonthResults.as_sealed`, which
`appraisal.export.workbook.prepare` does first. Run it against an older tree for the
figures before (``PYTHONPATH=/path/to/old python bench/workbook.py``): a tree without
the two steps times the one.

``--levels`` prints, for the workbook written, the time and size of deflating its parts
at each zlib level (how `appraisal.files.xlsx.COMPRESS_LEVEL` was chosen). ``--beside``
times the export stage's two files both ways: the results JSON then the workbook in one
process, and the workbook in a child process while this one writes the JSON
(`appraisal.export.beside.Beside`). Say how busy the machine was (uptime):
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
from appraisal.export.beside import Beside
from appraisal.export.results_file import results_file_bytes
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
    started = time.perf_counter()
    typed.as_sealed()
    print(f"as_sealed (what prepare does first): {time.perf_counter() - started:.2f} s")
    two_steps(typed, manifest, ladder, args.repeat, data)
    if args.beside:
        beside(typed, manifest, ladder, args.repeat)
    return data


def two_steps(
    typed: MonthResults, manifest: Manifest, ladder: list[LevelLabel], repeat: int, data: bytes
) -> None:
    """The workbook in its two steps, each timed (best of ``repeat``: wall, CPU)."""
    try:
        from payroll_export.workbook import prepare_workbook
    except ImportError:
        print("two steps: not in this tree")
        return
    spent = {"prepare": [float("inf")] * 2, "finish": [float("inf")] * 2}
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        prepared = prepare_workbook(typed, manifest, ladder)
        times = [(time.perf_counter() - started, time.process_time() - used)]
        started, used = time.perf_counter(), time.process_time()
        same = prepared.finish(manifest) == data
        times.append((time.perf_counter() - started, time.process_time() - used))
        for step, (wall, cpu) in zip(spent, times, strict=True):
            spent[step] = [min(spent[step][0], wall), min(spent[step][1], cpu)]
        if not same:
            raise SystemExit("the two steps gave other bytes than the one")
    for step, (wall, cpu) in spent.items():
        print(f"{step}: {wall:.2f} s (CPU {cpu:.2f} s)")
    print("the two steps give the one step's bytes")


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
            with Beside(
                lambda: None, lambda _, __: salary_workbook(typed, manifest, ladder)
            ) as child:
                child.send(None)
                write_atomic(json_path, results_file_bytes(document))
                write_atomic(xlsx_path, child.result() or b"")
            both = min(both, time.perf_counter() - started)
    print(f"JSON and workbook: {alone:.2f} s in one process, {both:.2f} s with a child")


def _rows_written(data: bytes) -> int:
    """Rows of every sheet, counted in the file itself."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return sum(archive.read(name).count(b"<row ") for name in sheets)


if __name__ == "__main__":
    sys.exit(main())
