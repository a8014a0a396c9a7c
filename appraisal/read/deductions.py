"""Read stage: the deductions file (扣款) → each employee's `Deductions`, keyed by 工号.

An optional input, `appraisal run --deductions FILE`: what HR deducts after gross
(应发工资), one row per employee of the roster. Columns, in Chinese, English or both
(`appraisal.read.vocabulary`): 工号 ``employee_id``, 社保个人 ``social_insurance``,
公积金个人 ``housing_fund``, 个税 ``income_tax``, 其他扣款 ``other``; 姓名 and 部门 may
stand beside them for the reader, and a 姓名 that is not the roster's for that 工号 is
refused, since a slip of the 工号 would pay one person's net to another. Each deduction
is yuan to the cent, not negative; an empty cell is 0.00. An employee of the roster
with no row, or a row for someone not on it, is an input error.

Like every input the file is read once (`appraisal.files.input`) and its sha256 sealed
with the rows; the rows are sealed with the month (`MonthInputs.to_json`), so a replay
gives the same net pay. The net itself is the engine's (`appraisal.engine.net`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from appraisal.domain.deductions import DEDUCTION_FIELDS, Deductions
from appraisal.domain.model import Employee, Issue, Source
from appraisal.domain.money import cents
from appraisal.domain.suggest import closest
from appraisal.files.input import InputFile, read_input
from appraisal.i18n import N_, _
from appraisal.read.cells import NUMBER_LIMITS, CellValues, cell_at, fits, header_columns, shown
from appraisal.read.tables import Table, read_table
from appraisal.read.vocabulary import COLUMNS

__all__ = ["DEDUCTION_COLUMNS", "MESSAGES", "read_deductions"]

DEDUCTION_COLUMNS = ("employee_id", *DEDUCTION_FIELDS)
# Shown beside the figures for the person who reads the file; 姓名 is checked, 部门 not.
_ALONGSIDE = ("name", "department")
_NONE = cents(Decimal(0))

# What a person reads, Chinese first, kept together for a message catalogue to take over.
MESSAGES = {
    "missing_id": N_("缺少工号 (required value is missing)"),
    "no_amounts": N_(
        "没有扣款列 (no deduction column): 应有 {columns} 中的至少一列 (give at least one)"
    ),
    "not_number": N_("不是数字 (not a number): {cell}"),
    "negative": N_("扣款不能为负数 (a deduction must not be negative), got {cell}"),
    "digits": N_(
        "扣款以元计，最多 {before} 位整数、{after} 位小数 (a deduction in yuan holds at most "
        "{before} digits before the point and {after} after, to the cent), got {cell}"
    ),
    "twice": N_(
        "工号 {id} 重复，另见第 {row} 行 (duplicate employee_id {id}, also row {row}): 每人一行 (one row per employee)"
    ),
    "unknown": N_("工号 {id} 不在名册中 (unknown employee {id}: not in the roster){hint}"),
    "hint": N_("；是否应为 {match}？(did you mean {match}?)"),
    "other_name": N_(
        "姓名 {cell} 与名册中 {id} 的姓名 {name} 不符 (the name is not the roster's for {id}: {name}, {source})"
    ),
    "missing": N_(
        "名册中的 {id}（{name}，{source}）没有扣款行 (no deductions row for {id} of the roster): "
        "没有扣款也写一行，金额留空 (with none, give a row with empty cells)"
    ),
    "same_name": N_(
        "另一个输入文件也叫 {name} (another input is named {name}: {path}): 请改名 (rename one, so "
        "the audit trail can tell their rows apart)"
    ),
    "same_file": N_(
        "--deductions 与 {option} 是同一个文件 (--deductions is the same file as {option} "
        "{path}: the same bytes, sha256 {sha}…)"
    ),
}


def read_deductions(
    path: str | Path,
    roster: Sequence[Employee] | None,
    given: Mapping[str, tuple[str, str]],
) -> tuple[dict[str, Deductions] | None, InputFile | None, list[Issue]]:
    """Each employee's deductions from ``path``, the file as read, and every problem.
    A row with a problem is left out; the rest go on, so that a net below zero is
    reported in the same run as the file's other problems.

    ``roster`` is who the rows must cover, exactly (None when no roster could be read:
    the rows are still checked alone). ``given`` holds the files the command read
    already, sha256 → (option, path): the same bytes again are refused.
    """
    file, issues = read_input(path)
    if file is None:
        return None, None, issues
    if file.sha256 in given:
        option, first = given[file.sha256]
        message = _(MESSAGES["same_file"]).format(option=option, path=first, sha=file.sha256[:12])
        return None, file, [Issue(file.path, None, None, message)]
    table, issues = read_table(file)
    if table is None:
        return None, file, issues
    columns = header_columns(table, ("employee_id",), (*DEDUCTION_COLUMNS, *_ALONGSIDE), issues)
    deductions = _parse(table, columns, issues)
    if roster is not None and "employee_id" in columns:
        issues += _against_roster(table, columns, roster)
    return deductions, file, issues


def _parse(table: Table, columns: Mapping[str, int], issues: list[Issue]) -> dict[str, Deductions]:
    """The rows of the file; each problem goes to ``issues``, its row left out."""
    amounts = [field for field in DEDUCTION_FIELDS if field in columns]
    if not amounts:
        names = ", ".join(COLUMNS.label(field) for field in DEDUCTION_FIELDS)
        message = _(MESSAGES["no_amounts"]).format(columns=names)
        issues.append(Issue(table.file, table.header_row, None, message))
    if "employee_id" not in columns or not amounts:
        return {}
    values = CellValues()
    first_row: dict[str, int] = {}
    deductions: dict[str, Deductions] = {}
    for row, cells in table.rows:
        before = len(issues)
        employee_id = cell_at(cells, columns["employee_id"])
        if not employee_id:
            issues.append(Issue(table.file, row, "employee_id", _(MESSAGES["missing_id"])))
        elif employee_id in first_row:
            message = _(MESSAGES["twice"]).format(id=repr(employee_id), row=first_row[employee_id])
            issues.append(Issue(table.file, row, "employee_id", message))
        else:
            first_row[employee_id] = row
        figures = dict.fromkeys(DEDUCTION_FIELDS, _NONE)  # a column left out is 0.00
        for field in amounts:
            amount = _yuan(values, field, cell_at(cells, columns[field]))
            if isinstance(amount, str):
                issues.append(Issue(table.file, row, field, amount))
            else:
                figures[field] = amount
        if len(issues) == before:
            source = Source(table.name, row, table.file)
            deductions[employee_id] = Deductions(figures, source)
    return deductions


def _yuan(values: CellValues, field: str, text: str) -> Decimal | str:
    """A deduction to the cent, or why the cell is not one. An empty cell is 0.00."""
    if not text:
        return _NONE
    number = values.number(text)
    if number is None:
        return _(MESSAGES["not_number"]).format(cell=shown(text))
    before, after = NUMBER_LIMITS[field]
    if not fits(number, before, after):
        return _(MESSAGES["digits"]).format(before=before, after=after, cell=shown(text))
    if number < 0:
        return _(MESSAGES["negative"]).format(cell=shown(text))
    return cents(number)  # exact: it has at most two places


def _against_roster(
    table: Table, columns: Mapping[str, int], roster: Sequence[Employee]
) -> list[Issue]:
    """Rows for someone not on the roster, a 姓名 not the roster's, and who has no row."""
    issues: list[Issue] = []
    people = {employee.employee_id: employee for employee in roster}
    for row, cells in table.rows:
        employee_id = cell_at(cells, columns.get("employee_id"))
        employee = people.get(employee_id)
        if employee_id and employee is None:
            match = closest(employee_id, people)
            hint = _(MESSAGES["hint"]).format(match=repr(match)) if match else ""
            message = _(MESSAGES["unknown"]).format(id=repr(employee_id), hint=hint)
            issues.append(Issue(table.file, row, "employee_id", message))
            continue
        name = cell_at(cells, columns.get("name"))
        if employee is not None and name and employee.name and name != employee.name:
            message = _(MESSAGES["other_name"]).format(
                cell=shown(name), id=employee_id, name=employee.name, source=employee.source
            )
            issues.append(Issue(table.file, row, "name", message))
    covered = {cell_at(cells, columns.get("employee_id")) for _0, cells in table.rows}
    for employee in roster:
        if employee.employee_id not in covered:
            message = _(MESSAGES["missing"]).format(
                id=employee.employee_id, name=employee.name or "?", source=employee.source
            )
            issues.append(Issue(table.file, None, "employee_id", message))
    return issues
