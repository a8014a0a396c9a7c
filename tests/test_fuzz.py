"""No traceback, for any input (issue 9, item 13).

Hypothesis makes rosters, events, policies and xlsx bytes, valid and broken, and hands
them to the command line as a user would. Whatever it makes, the command ends with exit
status 0, 1 or 2, prints no traceback, and leaves the ledger byte for byte as it was
whenever it does not end with 0. The runs are derandomised, so CI sees the same examples
every time; a failure prints the example that caused it.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import shutil
import traceback
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
POLICY = ROOT / "policies" / "customer_service.yaml"
# CI runs a fixed 80 examples a test; APPRAISAL_FUZZ=2000 (say) searches longer, at random.
_SEARCH = int(os.environ.get("APPRAISAL_FUZZ", "0"))
FUZZ = settings(
    max_examples=_SEARCH or 80,
    deadline=None,
    derandomize=not _SEARCH,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KINDS = [
    "late", "early_leave", "absent", "personal_leave", "sick_leave", "overtime", "criterion",
    "exam", "reward", "penalty", "major_fault", "unfit", "promotion", "termination",
]  # fmt: skip
ROSTER_HEADER = ["employee_id", "name", "level", "hire_date"]
EVENT_HEADER = [
    "employee_id",
    "date",
    "kind",
    "value",
    "clause",
    "amount",
    "points",
    "flags",
    "note",
]


def cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """The command line in this process: exit status, stdout, stderr; a traceback is a failure."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit_:  # argparse's usage errors
            status = exit_.code if isinstance(exit_.code, int) else 2
        except BaseException:
            pytest.fail(
                f"{argv}: traceback\n{traceback.format_exc(limit=-3)}\nstderr: {err.getvalue()}"
            )
    return status, out.getvalue(), err.getvalue()


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with the example October sealed: November is fuzzed on top of it."""
    folder = tmp_path_factory.mktemp("sealed")
    status, _, err = cli(
        [
            "run", "--month", "2026-10", "--roster", str(EXAMPLES / "roster.csv"),
            "--events", str(EXAMPLES / "events.csv"), "--ledger", str(folder / "l.db"),
        ]
    )  # fmt: skip
    assert status == 0, err
    return folder / "l.db"


def run_checked(folder: Path, sealed: Path, files: dict[str, bytes], *extra: str) -> int:
    """`appraisal run` of November over ``files``; the ledger is unchanged unless it exits 0."""
    for name, data in files.items():
        (folder / name).write_bytes(data)
    ledger = folder / "l.db"
    shutil.copy(sealed, ledger)
    before = _digest(ledger)
    argv = ["run", "--month", "2026-11", "--roster", str(folder / "roster.csv")]
    argv += ["--events", str(folder / next(n for n in files if n.startswith("events")))]
    status, _, err = cli([*argv, "--ledger", str(ledger), *extra])
    assert status in (0, 1, 2), err
    assert "Traceback" not in err
    if status != 0:
        assert _digest(ledger) == before, f"the ledger changed on exit {status}: {err}"
        assert err.strip(), "a refusal says why"
    return status


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


ROSTER = (EXAMPLES / "roster.csv").read_bytes()
IDS = [line.split(",")[0] for line in ROSTER.decode().splitlines()[1:]]

# Text as users and vendors write it: numbers in every spelling, dates, and hostile text.
numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(
        ["1e30", "1E+999", "1e400", "-0", "0.5", "0.52", "NaN", "inf", "9" * 5000, "１０", "1,5"]
    ),
)
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ['"oops', '=HYPERLINK("x")', "+cmd|' /C calc'!A0", "\x1b[2J", "\x07", "a\nb", "\u202e"]
    ),
)
dates = st.one_of(
    st.integers(1, 31).map(lambda d: f"2026-11-{d:02d}"),
    st.sampled_from(["2026-10-31", "2026-02-30", "0000-01-01", "9999-12-31", "", "11/3/2026"]),
)
cells = st.one_of(numbers, texts, dates)
event_rows = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(IDS), texts),
        dates,
        st.one_of(st.sampled_from(KINDS), texts),
        cells,
        st.one_of(st.integers(0, 14).map(str), cells),
        cells,
        cells,
        st.one_of(st.sampled_from(["", "serious", "approved", "holiday", "excused"]), texts),
        texts,
    ),
    max_size=12,
)


@FUZZ
@given(rows=event_rows)
def test_events_rows_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, sealed: Path, rows: list[tuple[str, ...]]
) -> None:
    folder = tmp_path_factory.mktemp("events")
    run_checked(folder, sealed, {"roster.csv": ROSTER, "events.csv": _csv(EVENT_HEADER, rows)})


roster_rows = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(IDS), texts),
        texts,
        st.one_of(st.sampled_from(["intern", "specialist", "team_lead", "manager"]), texts),
        dates,
    ),
    max_size=8,
)


@FUZZ
@given(rows=roster_rows)
def test_roster_rows_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, sealed: Path, rows: list[tuple[str, ...]]
) -> None:
    folder = tmp_path_factory.mktemp("roster")
    events = _csv(EVENT_HEADER, [(IDS[0], "2026-11-03", "late", "12", "", "", "", "", "")])
    run_checked(folder, sealed, {"roster.csv": _csv(ROSTER_HEADER, rows), "events.csv": events})


# Rows as anyone might write them, or a row for everyone with figures that may well pass
# (3000 is more than some gross pays: a negative net, refused).
deduction_rows = st.one_of(
    st.lists(
        st.tuples(st.one_of(st.sampled_from(IDS), texts), *(st.one_of(numbers, texts),) * 4),
        max_size=24,
    ),
    st.lists(
        st.sampled_from(["", "0", "12.5", "100.00", "3000", "１０"]),
        min_size=4 * len(IDS),
        max_size=4 * len(IDS),
    ).map(lambda cells: [(i, *cells[4 * n : 4 * n + 4]) for n, i in enumerate(IDS)]),
)


@FUZZ
@given(rows=deduction_rows, chinese=st.booleans())
def test_deductions_rows_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory,
    sealed: Path,
    rows: list[tuple[str, ...]],
    chinese: bool,
) -> None:
    folder = tmp_path_factory.mktemp("deductions")
    header = (
        ["工号", "社保个人", "公积金个人", "个税", "其他扣款"]
        if chinese
        else ["employee_id", "social_insurance", "housing_fund", "income_tax", "other"]
    )
    events = _csv(EVENT_HEADER, [(IDS[0], "2026-11-03", "late", "12", "", "", "", "", "")])
    files = {"roster.csv": ROSTER, "events.csv": events, "deductions.csv": _csv(header, rows)}
    run_checked(folder, sealed, files, "--deductions", str(folder / "deductions.csv"))


EVENTS = (EXAMPLES / "events.csv").read_bytes().replace(b"2026-10-", b"2026-11-")


@st.composite
def mangled(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few bytes cut, inserted or overwritten."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["cut", "insert", "set"]))
        if action == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b'"', b"\r"]))
        elif data:
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


@FUZZ
@given(data=mangled(EVENTS))
def test_mangled_csv_bytes_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, sealed: Path, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    run_checked(folder, sealed, {"roster.csv": ROSTER, "events.csv": data})


def _xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [EVENT_HEADER, *rows]:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = _xlsx(
    [
        (IDS[0], "2026-11-03", "late", "12", "", "", "", "", ""),
        (IDS[1], "2026-11-04", "personal_leave", "1", "", "", "", "", "家中有事"),
    ]
)


@st.composite
def mangled_xlsx(draw: st.DrawFn) -> bytes:
    """The workbook with one part of its zip replaced by mangled bytes, or the zip itself mangled."""
    if draw(st.booleans()):
        return draw(mangled(XLSX))
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            data = source.read(name)
            target.writestr(name, draw(mangled(data)) if name == victim else data)
    return out.getvalue()


@FUZZ
@given(data=mangled_xlsx())
def test_mangled_xlsx_never_gives_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, sealed: Path, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("xlsx")
    run_checked(folder, sealed, {"roster.csv": ROSTER, "events.xlsx": data})
    status, _, err = cli(["import", str(folder / "events.xlsx"), "--month", "2026-11",
                          "-o", str(folder / "out.csv")])  # fmt: skip
    assert status in (0, 1, 2), err
    if status != 0:
        assert not (folder / "out.csv").exists()


POLICY_TEXT = POLICY.read_bytes()


@FUZZ
@given(data=mangled(POLICY_TEXT))
def test_mangled_policies_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, sealed: Path, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("policy")
    (folder / "policy.yaml").write_bytes(data)
    status, _, err = cli(["check-policy", str(folder / "policy.yaml"), "--month", "2026-11"])
    assert status in (0, 1, 2), err
    files = {"roster.csv": ROSTER, "events.csv": EVENTS}
    run_checked(folder, sealed, files, "--policy", str(folder / "policy.yaml"))


scalars = st.one_of(
    numbers, texts, st.sampled_from(["[]", "{}", "null", "*a", "!!python/none", "~"])
)


@FUZZ
@given(line=st.integers(0, 400), value=scalars)
def test_policy_values_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, sealed: Path, line: int, value: str
) -> None:
    """One value of the shipped policy replaced by anything: a clear message or a policy that works."""
    lines = POLICY_TEXT.decode().splitlines()
    candidates = [
        i for i, text in enumerate(lines) if ": " in text and not text.lstrip().startswith("#")
    ]
    at = candidates[line % len(candidates)]
    key = lines[at].split(": ", 1)[0]
    lines[at] = f"{key}: {value}" if "\n" not in value else f"{key}: {value!r}"
    folder = tmp_path_factory.mktemp("values")
    (folder / "policy.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = cli(["check-policy", str(folder / "policy.yaml"), "--month", "2026-11"])
    assert status in (0, 1, 2), err
    files = {"roster.csv": ROSTER, "events.csv": EVENTS}
    run_checked(folder, sealed, files, "--policy", str(folder / "policy.yaml"))
