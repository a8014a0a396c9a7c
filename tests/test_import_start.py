"""What `appraisal` imports at start-up: only what the command asked for needs.

`import appraisal` imports nothing of its own until a public name is used, and the
command line's modules import the work of their commands when a command runs, so
`appraisal run` does not import the payslips' PDF libraries, the web page, the readers
of sealed months or rich's display. Each check runs in a fresh interpreter, since this
test session has imported everything already; a later import at a module's top that
undoes the saving fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import appraisal
from appraisal.cli import drafts as drafts_cli

#: Never needed to make the parser or to run `appraisal run`.
NOT_FOR_RUN = (
    "appraisal.audit",
    "appraisal.commands",
    "appraisal.drafts",
    "appraisal.export.payslips",
    "appraisal.lifecycle",
    "appraisal.read.imports.convert",
    "appraisal.scale",
    "appraisal.web",
    "cryptography",
    "fastapi",
    "fontTools",
    "fpdf",
    "jinja2",
    "pypdf",
    "reportlab",
    "rich",
    "starlette",
    "uvicorn",
)


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    shown = "import json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{shown}"], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_the_command_line_and_its_parser_import_nothing_run_does_not_need() -> None:
    modules = modules_after("import appraisal.cli\nappraisal.cli._parser()")
    assert "appraisal.cli.run" in modules  # the check sees the command line's modules
    assert loaded(modules, NOT_FOR_RUN) == []


def test_the_package_imports_its_public_names_when_they_are_used() -> None:
    modules = modules_after("import appraisal")
    assert loaded(modules, ("appraisal.pipeline", "appraisal.audit", "appraisal.ledger")) == []
    modules = modules_after("from appraisal import Month")
    assert "appraisal.domain.model" in modules
    assert loaded(modules, ("appraisal.pipeline", "appraisal.policy")) == []


@pytest.mark.parametrize("name", appraisal.__all__)
def test_every_public_name_is_the_one_its_module_defines(name: str) -> None:
    home = appraisal._HOMES[name]
    assert getattr(appraisal, name) is getattr(sys.modules[home], name)
    assert name in dir(appraisal)


def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        appraisal.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    from appraisal import pipeline, read  # submodules, not public names

    assert pipeline.__name__ == "appraisal.pipeline"
    assert read.__name__ == "appraisal.read"


def test_the_resolutions_the_draft_help_shows_are_the_drafts_own() -> None:
    from appraisal.drafts import RESOLUTIONS

    assert drafts_cli.RESOLUTIONS == RESOLUTIONS


def test_the_import_help_names_the_shipped_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    from appraisal.cli import main

    with pytest.raises(SystemExit):
        main(["import", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "(dingtalk_daily, dingtalk_monthly, dingtalk_raw, zkteco)" in shown
