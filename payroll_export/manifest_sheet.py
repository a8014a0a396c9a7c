"""说明 (manifest): what ties this file to the sealed month in the ledger.

An auditor holding the workbook checks the policy's and every input file's sha256, the
engine version and the ledger record hash against the ledger (``appraisal replay``
recomputes the month from it), and learns here the demotion line the summary draws and
whether a long table goes on over several sheets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from payroll_export.model import DRAFT, Manifest, pay_date
from payroll_export.sheet import HEADER_ROWS, MAX_SHEET_ROWS, Book, Column, Part, Row, write_table

__all__ = ["MANIFEST_SHEET", "write_manifest_sheet"]

MANIFEST_SHEET = "说明"

COLUMNS = (
    Column("项目", "item", max_width=30),
    Column("名称", "name", max_width=30),
    Column("值", "value", max_width=80, wrap=True),
)


def write_manifest_sheet(
    book: Book,
    manifest: Manifest,
    *,
    employees: int,
    trace_entries: int,
    parts: Mapping[str, Sequence[Part]],
    max_rows: int,
) -> None:
    def rows() -> Iterator[Row]:
        for item, name, value in _items(manifest, employees, trace_entries, parts, max_rows):
            yield Row((item, name, value))

    write_table(book, MANIFEST_SHEET, COLUMNS, rows(), max_rows=max_rows, split=False, freeze="A3")


def _items(
    manifest: Manifest,
    employees: int,
    trace_entries: int,
    parts: Mapping[str, Sequence[Part]],
    max_rows: int,
) -> Iterator[tuple[str, str | None, str]]:
    if manifest.draft:
        yield DRAFT, None, "草稿：未封存 not sealed (appraisal run --dry-run): no ledger record"
    yield "考核月份 month", None, manifest.month
    yield (
        "发薪日 pay date",
        "pay_day_of_month",
        pay_date(manifest.month, manifest.pay_day_of_month).isoformat(),
    )
    yield "政策 policy", "id", manifest.policy_id
    yield "政策 policy", "version", manifest.policy_version
    yield "政策 policy", "sha256", manifest.policy_sha256
    yield "降级线 demotion line", "demotion_line", _demotion_line(manifest.demotion_line)
    for name in sorted(manifest.input_files):
        yield "输入文件 input file (sha256)", name, manifest.input_files[name]
    yield "引擎版本 engine version", None, manifest.engine_version
    if manifest.draft:
        yield "账本记录 ledger record", None, "无 none: a draft is sealed nowhere, and has no hash"
    else:
        yield "账本记录 ledger record", "record_hash", manifest.record_hash
        yield "账本记录 ledger record", "version", str(manifest.ledger_version)
        yield "账本记录 ledger record", "seq", str(manifest.ledger_seq)
        reason = manifest.amend_reason or "无 none (original seal)"
        yield "更正原因 amendment", "amend_reason", reason
    yield "员工人数 employees", None, str(employees)
    yield "审计轨迹 audit trail", "entries", str(trace_entries)
    for table, sheets in parts.items():
        if len(sheets) == 1:
            yield "分页 split", table, f"否 no: one sheet, {sheets[0].title}"
            continue
        capacity = max_rows - HEADER_ROWS
        yield (
            "分页 split",
            table,
            f"是 yes: {len(sheets)} sheets of at most {capacity:,} rows each "
            f"(Excel holds {MAX_SHEET_ROWS:,} rows a sheet, the limit used here is {max_rows:,})",
        )
        for part in sheets:
            yield "分页 split", part.title, f"rows {part.first:,}–{part.last:,} of {table}"
    if manifest.draft:
        yield "核对 verify", None, "草稿 a draft: pay nothing from it; seal the month first."
        return
    yield (
        "核对 verify",
        None,
        f"appraisal replay --month {manifest.month} recomputes this month from the ledger "
        "and must report it identical; the record hash above must match the ledger's.",
    )


def _demotion_line(line: int | None) -> str:
    if line is None:
        return "无 none: the policy demotes on no score threshold"
    return f"总分低于{line}分 score < {line}"
