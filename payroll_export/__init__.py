"""payroll_export: the salary-adjustment workbook (工资调整表), the "export" stage.

read → validate → resolve policy → evaluate → check → seal → **export**

`salary_workbook(results, manifest, ladder)` turns one sealed month's results
(`appraisal.domain.results.MonthResults`) into an .xlsx (as bytes): 工资调整 (salary
adjustment), 考核评分 (scores), 职级变动 (level changes), 审计轨迹 (audit trail), 合规提示
(compliance), 汇总 (summary) and 说明 (manifest, tying the file to the ledger record).
It imports nothing of the engine but the result types (`appraisal.domain`) and the xlsx
packaging (`appraisal.files`), so a replayed month exports exactly as the sealed one
did; import-linter holds it to that (pyproject.toml).
"""

from payroll_export.model import LevelLabel, Manifest
from payroll_export.workbook import salary_workbook

__all__ = [
    "LevelLabel",
    "Manifest",
    "salary_workbook",
]
