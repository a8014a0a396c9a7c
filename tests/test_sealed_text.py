"""Sealed texts: English in the results, worded in Chinese where shown (`sealed_text`)."""

from __future__ import annotations

import re

import pytest
from english import english_prose

from appraisal.i18n import in_language, set_language
from appraisal.i18n.sealed import _TYPED, TEMPLATES, match, sealed_text

FIELD = re.compile(r"\{(\w+)\}")
SAMPLE = {r"-?\d+\.\d\d": "10.00", r"\d{4}-\d{2}-\d{2}": "2026-10-28", r"\d{4}-\d{2}": "2026-11"}


def sample(template: str) -> str:
    """The template filled with a value of each placeholder's kind."""
    names = set(FIELD.findall(template))
    return template.format(
        **{n: SAMPLE.get(_TYPED.get(n, ""), "7" if n in _TYPED else "甲乙") for n in names}
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_is_read_back_as_itself_and_has_its_chinese(template: str) -> None:
    text = sample(template)
    found = match(text)
    assert found is not None and found[0] == template, (text, found)
    chinese = in_language(template, "zh")
    assert chinese != template, "no Chinese in parts/sealed.po"
    assert set(FIELD.findall(chinese)) <= set(FIELD.findall(template))
    assert english_prose(sealed_text(text, "zh"), {"rest_day"}) == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("late 12 min: fine 10.00, -3 points", "迟到12分钟：罚款10.00元，扣3分"),
        ("exam 80: band C, +2 points", "考试80分：C档，加2分"),  # the sign is the word: 加
        ("exam 58: band E, -10 points", "考试58分：E档，扣10分"),  # and 扣
        ("exam 70: band D, +0 points", "考试70分：D档，加0分"),
        ("能认真对待和完成上级交给的任务: not met", "能认真对待和完成上级交给的任务：未达标"),
        ("能认真对待和完成上级交给的任务: met", "能认真对待和完成上级交给的任务：达标"),
        (
            "workday overtime on 2026-10-28 paid 0.00; the statutory minimum is 41.38",
            "2026-10-28工作日加班支付0.00元，低于法定最低41.38元",
        ),
        ("劳动法 第44条 (Labor Law art. 44)", "劳动法 第44条"),
        ("交通补贴 50.00", "交通补贴50.00元"),  # the allowance's label passes through
        (
            "late 60 min: 1 day(s) of absence (旷工): deduct 87.36, -10 points",
            "迟到60分钟：按旷工1天计，扣款87.36元，扣10分",
        ),
        (
            "穿着不整齐 (首次警告): fine 0.00, -0 points; first offence: warning (首次警告); "
            "amount 10.00 not charged",
            "穿着不整齐 (首次警告)：罚款0.00元，扣0分；首次警告；金额10.00元不收取",
        ),
    ],
)
def test_worked_by_hand(english: str, chinese: str) -> None:
    assert sealed_text(english, "zh") == chinese
    assert sealed_text(english, "en") == english


def test_the_current_language_is_the_default() -> None:
    set_language("zh")
    assert sealed_text("floating wage 800.00") == "浮动工资800.00元"
    set_language("en")
    assert sealed_text("floating wage 800.00") == "floating wage 800.00"


@pytest.mark.parametrize(
    "text",
    [
        "floored at 0",  # a general template ({label} {amount}) wants money: 0.00
        "a text of an older release: fine 10, -3 points",
        "",
        "迟到12分钟：罚款10.00元，扣3分",  # Chinese already
    ],
)
def test_a_text_no_template_made_is_shown_as_it_is(text: str) -> None:
    assert sealed_text(text, "zh") == text
