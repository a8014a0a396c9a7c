"""The 说明 (instructions) sheet of the managers' input workbook, as rows of text.

`payroll_export.template` writes these rows; they are built from the policy in force, so
the clause lists, ranges and titles a manager reads are the ones the run will apply.
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.model import Kind, Month
from appraisal.policy.loaded import PolicyInForce
from appraisal.policy.schema import Range
from appraisal.read.tables import EVENT_SHEETS, ROSTER_SHEET
from appraisal.read.vocabulary import FLAGS, KINDS

__all__ = ["guide_rows"]

ATTENDANCE, APPRAISAL = EVENT_SHEETS

# What each kind's row means and which cells it needs, for managers (interface.md).
KIND_GUIDE: dict[Kind, tuple[str, str, str]] = {
    Kind.LATE: (ATTENDANCE, "迟到分钟数", "每次迟到一行"),
    Kind.EARLY_LEAVE: (ATTENDANCE, "早退分钟数", "有正当理由的写标记「有因」，个案处理"),
    Kind.ABSENT: (ATTENDANCE, "旷工天数（0.5 = 半天）", ""),
    Kind.PERSONAL_LEAVE: (ATTENDANCE, "事假天数（0.5 = 半天）", ""),
    Kind.SICK_LEAVE: (ATTENDANCE, "病假天数（0.5 = 半天）", ""),
    Kind.OVERTIME: (
        ATTENDANCE,
        "加班天数（0.5 = 半天）",
        "标记：节假日 或 休息日；安排补休的加「调休」；本人效率低自行加班的加「自身原因」",
    ),
    Kind.TERMINATION: (ATTENDANCE, "本月出勤的工作日数", "开除人员结算用，每人每月一行"),
    Kind.CRITERION: (APPRAISAL, "1 = 达到，0 = 未达到", "已按人预填；条款 = 标准编号"),
    Kind.EXAM: (APPRAISAL, "考试分数 0–100", "已按人预填"),
    Kind.REWARD: (APPRAISAL, "（不填）", "条款、金额；分数有范围的条款填分数"),
    Kind.PENALTY: (
        APPRAISAL,
        "（不填）",
        "条款；金额、分数有范围的须填写；情况严重的写标记「严重」",
    ),
    Kind.MAJOR_FAULT: (APPRAISAL, "（不填）", "本月有重大过错：降一级"),
    Kind.UNFIT: (APPRAISAL, "（不填）", "经观察不能胜任并经领导批准：降一级"),
    Kind.PROMOTION: (
        APPRAISAL,
        "（不填）",
        "备注 = 目标职级 id 或名称（如 team_lead 或 客服组长）；领导批准后写标记「已批准」",
    ),
    Kind.METRIC: (APPRAISAL, "指标数值（如满意度 96.5）", "条款 = 指标名（如 csat）"),
}

FLAG_GUIDE = {
    "serious": "情况严重（处罚 4、6、7、9 条情况严重者降级；第 8 条影响公司利益的开除）",
    "excused": "早退有正当理由（个案处理，不自动扣罚）",
    "holiday": "法定节假日加班",
    "rest_day": "休息日加班",
    "comp_time": "已安排补休（不付加班工资）",
    "self_caused": "因本人工作效率低自行加班（不付加班工资）",
    "approved": "晋升已经领导批准",
}


def guide_rows(month: Month, in_force: PolicyInForce) -> list[list[str]]:
    """The instruction sheet, one list of cells a row (a one-cell row is a heading)."""
    doc = in_force.doc
    first, last = month.first_day, month.last_day
    rows: list[list[str]] = [
        [f"{month} 客服绩效考核录入表 (appraisal input workbook) — {doc.title}"],
        [
            "用法",
            f"填好后运行：appraisal run --month {month} --roster 名册文件 --events 本文件.xlsx",
        ],
        ["", f"本文件的「{ROSTER_SHEET}」表也可作名册：--roster 本文件.xlsx"],
        [],
        ["工作表"],
        [ROSTER_SHEET, "员工名册（已按名册预填）：工号、姓名、职级、入职日期、部门"],
        [ATTENDANCE, "考勤：迟到、早退、旷工、事假、病假、加班、离职结算，每件事一行"],
        [
            APPRAISAL,
            "考评：每人每条考核标准一行、考试一行（已预填，填「数值」即可）；其下空行填奖励、处罚等",
        ],
        ["说明", "本页"],
        ["lists", "隐藏的下拉列表数据，请勿修改"],
        [],
        ["填写规则"],
        ["日期", f"写 YYYY-MM-DD，须在 {first} 至 {last} 之内"],
        [
            "预填的行",
            "数值为空即视为未填写，读取时跳过；考核标准未填 = 未达到（不加分），考试未填 = 无考试成绩",
        ],
        ["只读列", "「姓名」「条款内容」两列只供查看（姓名按工号自动带出），读取时忽略"],
        ["类型、标记", "可写中文、英文或下拉列表中的写法，如 迟到、late、迟到 late"],
        ["多个标记", "用分号隔开，如 休息日;调休 或 rest_day;comp_time"],
        ["金额、分数", "写正数；扣分也写正数（如处罚扣 5 分写 5）"],
        ["表头", "请勿改名或删除工作表和表头；需要更多行时在空行区域内插入行"],
        [],
        ["类型 kind", "所在工作表", "数值 value", "其他要填的列"],
    ]
    rows += [[KINDS.label(k), *KIND_GUIDE[k]] for k in KIND_GUIDE]
    rows += [[], ["考核标准 criteria (条款 clause)", "内容", "达到加分"]]
    for cid, criterion in doc.score.criteria.items():
        how = f"由指标自动判定：{criterion.when}" if criterion.when else ""
        rows.append([cid, criterion.title, f"+{criterion.points}", how])
    rows += [[], ["考试 exam", "分数段", "加分"]]
    for band_id, band in sorted(doc.score.exam.bands.items(), key=lambda kv: -kv[1].min):
        rows.append([band_id, f"≥ {band.min}", f"{band.points:+}"])
    rows += [[], ["奖励 reward (条款 clause)", "内容", "金额（元）", "加分"]]
    for cid, reward in doc.rewards.items.items():
        rows.append([cid, reward.title, _quantity(reward.amount), _quantity(reward.points)])
    rows += [[], ["处罚 penalty (条款 clause)", "内容", "罚款（元）", "扣分"]]
    for cid, penalty in doc.penalties.items.items():
        fine = _quantity(penalty.fine)
        if penalty.compensation is not None:  # 金额 holds the loss: reported, not deducted
            fine = "金额 = 造成的损失（列出，不扣工资）"
        rows.append([cid, penalty.title, fine, _quantity(penalty.points)])
    attendance = "、".join(doc.penalties.attendance_clauses)
    if attendance:
        rows.append(
            [
                "",
                f"处罚第 {attendance} 条（迟到、早退、旷工、请假）由「{ATTENDANCE}」表的行计算，不在此填写",
            ]
        )
    if doc.score.metrics:
        rows += [[], ["指标 metric (条款 clause)", "内容"]]
        rows += [[name, metric.title] for name, metric in doc.score.metrics.items()]
    rows += [[], ["标记 flags", "含义"]]
    rows += [[FLAGS.label(flag), FLAG_GUIDE.get(flag, "")] for flag in FLAGS.names]
    rows += [[], ["职级 level", "名称", "序列"]]
    rows += [[lv.id, lv.title, lv.track] for lv in in_force.levels.values()]
    return rows


def _quantity(value: Decimal | Range | None) -> str:
    """A fixed figure, a range the row gives (30–200), or — for none."""
    if value is None:
        return "—"
    if isinstance(value, Range):
        low = f"{value.min}"
        shown = f"{low}–{value.max}" if value.max is not None else f"≥ {low}（按实际）"
        return f"{shown}，可不填" if value.optional else shown
    return f"{value}"
