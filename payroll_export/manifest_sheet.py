"""说明 (manifest): what ties this file to the sealed month in the ledger.

An auditor holding the workbook checks the policy's and every input file's sha256, the
engine version and the ledger record hash against the ledger (``appraisal replay``
recomputes the month from it), and learns here the demotion line the summary draws and
whether a long table goes on over several sheets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from payroll_export.model import DRAFT, Manifest, pay_date
from payroll_export.sheet import HEADER_ROWS, MAX_SHEET_ROWS, Book, Column, Part, Row
from payroll_export.table import write_table
from payroll_export.wording import label

__all__ = ["MANIFEST_SHEET", "MONTH_ITEM", "RECORD_ITEM", "write_manifest_sheet"]

MANIFEST_SHEET = "说明"
# The items `replay --workbook` reads back (`appraisal.export.manifest_read`), each as
# labelled from 0.2.0 and before (`payroll_export.wording.label`).
MONTH_ITEM = ("考核月份", "考核月份 month")
RECORD_ITEM = ("账本记录", "账本记录 ledger record")

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
        draft = label("草稿：未封存（appraisal run --dry-run），无账本记录", "草稿：未封存 not sealed (appraisal run --dry-run): no ledger record")  # fmt: skip
        yield DRAFT, None, draft
    yield label(*MONTH_ITEM), None, manifest.month
    yield (
        label("发薪日", "发薪日 pay date"),
        "pay_day_of_month",
        pay_date(manifest.month, manifest.pay_day_of_month).isoformat(),
    )
    policy = label("制度", "政策 policy")
    yield policy, "id", manifest.policy_id
    yield policy, "version", manifest.policy_version
    yield policy, "sha256", manifest.policy_sha256
    demotion = label("降级线", "降级线 demotion line")
    yield demotion, "demotion_line", _demotion_line(manifest.demotion_line)
    for name in sorted(manifest.input_files):
        yield (
            label("输入文件 (sha256)", "输入文件 input file (sha256)"),
            name,
            manifest.input_files[name],
        )
    yield label("引擎版本", "引擎版本 engine version"), None, manifest.engine_version
    record = label(*RECORD_ITEM)
    if manifest.draft:
        nowhere = label("无：草稿未封存，没有哈希", "无 none: a draft is sealed nowhere, and has no hash")  # fmt: skip
        yield record, None, nowhere
    else:
        yield record, "record_hash", manifest.record_hash
        yield record, "version", str(manifest.ledger_version)
        yield record, "seq", str(manifest.ledger_seq)
        reason = manifest.amend_reason or label("无（首次封存）", "无 none (original seal)")
        yield label("更正原因", "更正原因 amendment"), "amend_reason", reason
    yield label("员工人数", "员工人数 employees"), None, str(employees)
    yield label("审计轨迹", "审计轨迹 audit trail"), "entries", str(trace_entries)
    split = label("分页", "分页 split")
    for table, sheets in parts.items():
        if len(sheets) == 1:
            one = label(f"否：一张工作表，{sheets[0].title}", f"否 no: one sheet, {sheets[0].title}")  # fmt: skip
            yield split, table, one
            continue
        capacity = max_rows - HEADER_ROWS
        several = label(
            f"是：{len(sheets)}张工作表，每张至多{capacity:,}行"
            f"（Excel 每张工作表可容{MAX_SHEET_ROWS:,}行，此处上限为{max_rows:,}行）",
            f"是 yes: {len(sheets)} sheets of at most {capacity:,} rows each "
            f"(Excel holds {MAX_SHEET_ROWS:,} rows a sheet, the limit used here is {max_rows:,})",
        )
        yield split, table, several
        for part in sheets:
            rows = label(
                f"{table}的第{part.first:,}–{part.last:,}行",
                f"rows {part.first:,}–{part.last:,} of {table}",
            )
            yield split, part.title, rows
    verify = label("核对", "核对 verify")
    if manifest.draft:
        yield verify, None, label("草稿：不得据此发薪；请先封存该月。", "草稿 a draft: pay nothing from it; seal the month first.")  # fmt: skip
        return
    yield (
        verify,
        None,
        label(
            f"appraisal replay --month {manifest.month} 从账本重算本月，结果须为一致；"
            "上面的记录哈希须与账本中的相同。",
            f"appraisal replay --month {manifest.month} recomputes this month from the ledger "
            "and must report it identical; the record hash above must match the ledger's.",
        ),
    )


def _demotion_line(line: int | None) -> str:
    if line is None:
        return label("无：本制度不按分数降级", "无 none: the policy demotes on no score threshold")  # fmt: skip
    return label(f"总分低于{line}分（score < {line}）", f"总分低于{line}分 score < {line}")
