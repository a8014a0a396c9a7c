"""The words of the input files, in English and in Chinese: columns, kinds and flags.

Part of the read stage. `appraisal.read` looks every header, kind and flag up here, and
`payroll_export.template` writes its headers and drop-down lists from the same tables,
so whatever the managers' workbook writes reads back. Each word has one English id (the
one in interface.md, used everywhere after the read stage) and its Chinese names, the
first of which is the label the template shows: ``迟到 late``.

A cell may hold the id (``late``, any case), a Chinese name (``迟到``), or both as the
template writes them: ``迟到 late``, ``迟到(late)``, ``late 迟到``. Full-width letters,
digits and parentheses (Chinese input methods type them) and stray spaces are tolerated.
Both halves of a two-part word must name the same thing: ``迟到 overtime`` is refused,
not guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from appraisal.domain.deductions import DEDUCTION_TITLES

__all__ = ["COLUMNS", "FLAGS", "KINDS", "LEAVE_TYPES", "Vocabulary"]


_BRACKETED = re.compile(r"(.*?)\s*\((.*)\)\s*", re.DOTALL)
# A run of ASCII (an English id) or of other characters (a Chinese name).
_SCRIPT_RUNS = re.compile(r"[\x21-\x7e]+|[^\x00-\x7f]+")


def _normal(text: str) -> str:
    # NFKC folds full-width letters, digits and parentheses (Ｌａｔｅ, （）) to ASCII.
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", _normal(text))


def _parts(text: str) -> list[str]:
    """'迟到 late', '迟到(late)', 'late 迟到', ' 迟 到 ' → the words to look up."""
    normal = _normal(text)
    bracketed = _BRACKETED.fullmatch(normal)
    if bracketed:
        parts = [_compact(bracketed[1]), _compact(bracketed[2])]
        return parts if all(parts) else []
    # Spaces between Chinese characters are stray; a script change separates two words.
    return _SCRIPT_RUNS.findall(re.sub(r"\s+", "", normal))


@dataclass(frozen=True)
class Vocabulary:
    """English ids and their Chinese names; `lookup` turns any accepted spelling into an id."""

    names: Mapping[str, tuple[str, ...]]
    _index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for word, chinese in self.names.items():
            for spelling in (word, *chinese):
                key = _compact(spelling)
                if index.setdefault(key, word) != word:
                    raise ValueError(f"{spelling!r} names both {index[key]!r} and {word!r}")
        object.__setattr__(self, "_index", index)

    def lookup(self, text: str) -> str | None:
        """The id a cell names, or None when it names none (or two different ones)."""
        parts = _parts(text)
        if not parts or len(parts) > 2:
            return None
        found = {self._index.get(part) for part in parts}
        if len(found) != 1 or None in found:
            return None
        return found.pop()

    def label(self, word: str) -> str:
        """The template's bilingual spelling of an id: ``迟到 late``."""
        chinese = self.names[word]
        return f"{chinese[0]} {word}" if chinese else word


# Interface.md's columns of the roster and the events, the template's display-only
# columns (姓名 on an events sheet, 条款内容), which the reader skips on template sheets,
# and the columns of the deductions file (扣款), its Chinese names first as a pay sheet has them.
COLUMNS = Vocabulary(
    {
        "employee_id": ("工号",),
        "name": ("姓名",),
        "level": ("职级", "级别", "岗位级别"),
        "hire_date": ("入职日期",),
        "department": ("部门",),
        "date": ("日期",),
        "kind": ("类型",),
        "value": ("数值",),
        "clause": ("条款",),
        "amount": ("金额",),
        "points": ("分数",),
        "flags": ("标记",),
        "note": ("备注",),
        "clause_title": ("条款内容",),
        # The deductions file (run --deductions): what HR deducts after gross.
        "social_insurance": (DEDUCTION_TITLES["social_insurance"], "个人社保", "社保"),
        "housing_fund": (DEDUCTION_TITLES["housing_fund"], "个人公积金", "公积金"),
        "income_tax": (DEDUCTION_TITLES["income_tax"], "个人所得税"),
        "other": (DEDUCTION_TITLES["other"], "其他"),
    }
)

# Every `appraisal.model.Kind`, with the names the rulebook and managers use.
KINDS = Vocabulary(
    {
        "late": ("迟到",),
        "early_leave": ("早退",),
        "absent": ("旷工",),
        "personal_leave": ("事假",),
        "sick_leave": ("病假",),
        "paid_leave": ("带薪假", "带薪休假"),
        "overtime": ("加班",),
        "criterion": ("考核标准", "基本考核"),
        "exam": ("考试", "产品知识考试"),
        "reward": ("奖励",),
        "penalty": ("处罚",),
        "major_fault": ("重大失误", "重大过错"),
        "unfit": ("不胜任",),
        "promotion": ("晋升",),
        "termination": ("离职", "开除"),
        "metric": ("指标",),
    }
)

# The types of paid leave (带薪假), in the clause of a paid_leave row: known to cost
# nothing under the shipped policy, still shown in the trace.
LEAVE_TYPES = Vocabulary(
    {
        "annual": ("年假", "带薪年假"),
        "marriage": ("婚假",),
        "maternity": ("产假",),
        "paternity": ("陪产假", "护理假"),
        "bereavement": ("丧假",),
        "nursing": ("哺乳假",),
        "home_leave": ("探亲假",),
        "comp_time": ("调休",),
    }
)

# The flags of interface.md.
FLAGS = Vocabulary(
    {
        "serious": ("严重",),
        "excused": ("有因", "特殊情况"),
        "holiday": ("节假日",),
        "rest_day": ("休息日",),
        "comp_time": ("调休", "补休"),
        "self_caused": ("自身原因",),
        "approved": ("已批准",),
    }
)
