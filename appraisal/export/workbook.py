"""Export stage: a sealed month becomes the files people work in.

The last stage of the pipeline. Everything here is a function of the sealed ledger
record alone (its results, its stored policy texts, its hashes), never of today's
files, so `appraisal replay --workbook` rebuilds the very same bytes from the ledger.
The one exception is a 草稿 (draft, `draft_workbook`): a month evaluated and sealed
nowhere (`appraisal run --dry-run`), marked as such in its title and its 说明.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import zipfile
from collections.abc import Callable, Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from appraisal.domain.model import Month
from appraisal.domain.results import MonthResults
from appraisal.domain.version import __version__
from appraisal.files.zipcheck import XLSX_ERRORS, xlsx_problem
from appraisal.ledger.records import SealedMonth
from appraisal.policy.lines import demotion_line
from appraisal.policy.loaded import Policy, PolicyInForce, load_policy_bundle
from payroll_export import LevelLabel, Manifest, salary_workbook

__all__ = [
    "draft_workbook",
    "ladder_of",
    "manifest_of",
    "run_beside",
    "salary_workbook_of",
    "workbook_differences",
]


def salary_workbook_of(
    record: SealedMonth, *, policy: Policy | None = None, results: MonthResults | None = None
) -> bytes:
    """The salary-adjustment workbook (工资调整表) of a sealed month.

    The ledger stores the results as JSON and the policy as its texts; they are read
    back here, once, unless the caller already holds them: ``policy`` when it is the
    one the month was sealed with (same sha256), ``results`` when they are the record's
    as the ledger gives them back (`MonthResults.as_sealed`).
    """
    if policy is None or policy.sha256 != record.policy_sha256:
        policy = load_policy_bundle(record.policy_sources)
    in_force = policy.in_force(Month.parse(record.month))
    if results is None:
        results = MonthResults.from_json(record.results)
    return salary_workbook(results, manifest_of(record, in_force), ladder_of(in_force))


def run_beside(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """Start ``make`` (a workbook's bytes) in a child process now, and return what waits
    for them, so that this process writes the results JSON meanwhile.

    The child is forked: it has the sealed results already, and nothing is copied to it
    but its answer. Where there is no fork, or the child gives no bytes (it failed, or
    was killed), ``make`` runs here when the bytes are asked for, so any error is raised
    as it would be without a child, and the bytes are the same either way.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return make
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_send, args=(make, send), daemon=True)
    child.start()
    send.close()

    def wait() -> bytes:
        try:
            data: bytes | None = receive.recv_bytes()
        except (EOFError, OSError):
            data = None
        finally:
            receive.close()
            child.join()
        return make() if data is None else data

    return wait


def _send(make: Callable[[], bytes], answer: Connection) -> None:
    """The child's work: the bytes, or nothing (the parent then makes them, and says
    what went wrong)."""
    try:
        answer.send_bytes(make())
    except Exception:  # the parent makes the bytes again, and raises it there
        pass
    finally:
        answer.close()


def draft_workbook(results: MonthResults, policy: Policy, input_files: Mapping[str, str]) -> bytes:
    """The workbook of a month evaluated but not sealed: a 草稿 (draft), with no ledger
    record (its 说明 says so, and gives no record hash)."""
    in_force = policy.in_force(Month.parse(results.month))
    manifest = Manifest(
        month=results.month,
        policy_id=in_force.id,
        policy_version=in_force.version,
        policy_sha256=in_force.sha256,
        input_files=dict(sorted(input_files.items())),
        engine_version=__version__,
        record_hash="",
        ledger_version=0,
        ledger_seq=0,
        pay_day_of_month=in_force.doc.pay.pay_day_of_month,
        demotion_line=demotion_line(in_force),
        organisation=in_force.doc.organisation,
        draft=True,
    )
    return salary_workbook(results.as_sealed(), manifest, ladder_of(in_force))


def manifest_of(record: SealedMonth, in_force: PolicyInForce) -> Manifest:
    """What the 说明 sheet says to tie the workbook to its ledger record."""
    return Manifest(
        month=record.month,
        policy_id=record.policy_id,
        policy_version=record.policy_version,
        policy_sha256=record.policy_sha256,
        input_files=dict(sorted(record.input_files.items())),
        engine_version=record.engine_version,
        record_hash=record.record_hash,
        ledger_version=record.version,
        ledger_seq=record.seq,
        pay_day_of_month=in_force.doc.pay.pay_day_of_month,
        amend_reason=record.amend_reason,
        demotion_line=demotion_line(in_force),
        organisation=in_force.doc.organisation,
    )


def ladder_of(in_force: PolicyInForce) -> tuple[LevelLabel, ...]:
    """The policy's job ladder in order, for level and track titles and the summary's order."""
    tracks = in_force.doc.ladder.tracks
    return tuple(
        LevelLabel(level.id, level.title, level.track, tracks[level.track].title)
        for level in in_force.levels.values()
    )


def workbook_differences(expected: bytes, found: bytes, limit: int = 20) -> list[str]:
    """How a workbook file differs from the one the ledger gives, cell by cell.

    Empty when the bytes are identical, or when only the compression of the zip
    differs (another zlib version compresses the same parts to other bytes) and every
    part, in the same order, is the same. A file with the same values whose parts
    differ was saved again by another program, which is said as such.
    """
    if expected == found:
        return []
    if not found.startswith(b"PK\x03\x04"):
        return ["the file is not an Excel workbook"]
    if problem := xlsx_problem(found):  # checked before any part is inflated whole
        return [f"the file is not a readable Excel workbook: {problem}"]
    if _same_parts(expected, found):
        return []
    try:
        theirs = openpyxl.load_workbook(io.BytesIO(found), read_only=True)
    except XLSX_ERRORS as error:
        return [f"the file is not a readable Excel workbook ({type(error).__name__}: {error})"]
    ours = openpyxl.load_workbook(io.BytesIO(expected), read_only=True)
    problems: list[str] = []
    try:
        if ours.sheetnames != theirs.sheetnames:
            problems.append(f"sheets: ledger {ours.sheetnames}, file {theirs.sheetnames}")
        for name in ours.sheetnames:
            if name not in theirs.sheetnames:
                continue
            rows = itertools.zip_longest(
                ours[name].iter_rows(values_only=True), _their_rows(theirs[name], name)
            )
            for number, (mine, other) in enumerate(rows, start=1):
                cells = itertools.zip_longest(mine or (), other or ())
                for column, (a, b) in enumerate(cells, start=1):
                    if a != b and len(problems) < limit:
                        where = f"{name}!{get_column_letter(column)}{number}"
                        problems.append(f"{where}: ledger {a!r}, file {b!r}")
    except _Unreadable as error:
        problems.append(str(error))
    finally:
        ours.close()
        theirs.close()
    return problems or [
        "the cell values are the same, but the bytes are not: the file was saved again "
        "by another program"
    ]


# zipfile also raises these for a part it cannot inflate (a method it lacks, encryption)
_PART_ERRORS: tuple[type[Exception], ...] = (*XLSX_ERRORS, NotImplementedError, RuntimeError)


class _Unreadable(Exception):
    """The file's sheet broke while it was read."""


def _their_rows(sheet: Any, name: str) -> Iterator[tuple[object, ...]]:
    """The file's rows; what openpyxl raises on a malformed sheet becomes `_Unreadable`."""
    read = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            yield values
            read += 1
    except XLSX_ERRORS as error:
        where = f"{name}!A{read + 1}"
        detail = f"{type(error).__name__}: {str(error).strip()[:200]}"
        raise _Unreadable(f"{where}: the sheet cannot be read ({detail})") from None


def _same_parts(expected: bytes, found: bytes) -> bool:
    try:
        with (
            zipfile.ZipFile(io.BytesIO(expected)) as ours,
            zipfile.ZipFile(io.BytesIO(found)) as theirs,
        ):
            names = [info.filename for info in ours.infolist()]
            if names != [info.filename for info in theirs.infolist()]:
                return False
            return all(ours.read(name) == theirs.read(name) for name in names)
    except _PART_ERRORS:
        return False  # unreadable parts are not the same parts; the caller says why
