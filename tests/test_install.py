"""Installing like a tool (issue 14, item 1): what a clone and a wheel hold.

- Every relative link in the README and in docs/ names a file of the repository: the
  documents a user needs are in the clone, not beside it.
- The wheel, built as pip builds it, holds every module, every policy, every import
  profile and every other data file of the packages, declares the `appraisal` command,
  and setuptools says nothing to warn about on the way.
- `make example` installs only what running needs; `make check` adds the dev tools.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGES = ("appraisal", "payroll_export", "policies")
# [text](target) and [label]: target, the two ways Markdown links a file.
INLINE_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


def relative_links(document: Path) -> list[str]:
    """The links of a Markdown file that name a file (no web address, no bare #anchor),
    outside code blocks, in order."""
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    targets = INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", t, re.IGNORECASE)]


def test_the_link_finder_finds_links_and_skips_web_addresses(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "See [the docs](docs/a.md#part) and [site](https://example.org/x.md), "
        "[top](#top), ![a picture](img/p.png).\n\n```\n[not a link](code.md)\n```\n"
        "[ref]: ../elsewhere/b.md\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["docs/a.md#part", "img/p.png", "../elsewhere/b.md"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_names_a_file_of_the_repository(document: Path) -> None:
    broken = []
    for link in relative_links(document):
        target = (document.parent / link.split("#", 1)[0]).resolve()
        if not target.is_relative_to(ROOT):
            broken.append(f"{link}: outside the repository, so not in a clone")
        elif not target.exists():
            broken.append(f"{link}: no such file")
    assert broken == [], f"{document.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_documents_a_user_needs_are_in_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("interface.md", "scheme.md", "semantics.md", "architecture.md"):
        assert f"(docs/{name})" in readme  # linked from the README, and found above
    for document in DOCUMENTS:  # no pointer to the specification folder beside a checkout
        assert "shared/spec" not in document.read_text(encoding="utf-8"), document.name


def test_the_readme_says_how_to_put_appraisal_on_the_path_after_its_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme.index("make example")
    assert first < readme.index("make check") < readme.index("pipx install .")
    assert readme.index("pipx install .") < readme.index("pip install .", first + 1)
    assert "appraisal --help" in readme


# ---- the wheel --------------------------------------------------------------------------

BUILD = """
import json, sys, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import setuptools.build_meta as backend
    name = backend.build_wheel(sys.argv[1])
print(json.dumps({"wheel": name, "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}))
"""


def source_files() -> set[str]:
    """Every file of the packages in the working tree, as a path in the wheel."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[zipfile.ZipFile, list[str]]:
    """The wheel built from a copy of the tree as pip builds it (setuptools' PEP 517
    backend), and every warning setuptools gave."""
    if int(version("setuptools").split(".")[0]) < 77:
        pytest.skip("the build backend needs setuptools>=77 (pyproject.toml); `make check` has it")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-c", BUILD, str(out)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(built.stdout.strip().splitlines()[-1])
    return zipfile.ZipFile(out / report["wheel"]), report["warnings"]


def test_building_the_wheel_gives_no_warning(wheel: tuple[zipfile.ZipFile, list[str]]) -> None:
    _, warnings = wheel
    assert warnings == []


def test_the_wheel_holds_every_module_policy_and_profile(
    wheel: tuple[zipfile.ZipFile, list[str]],
) -> None:
    archive, _ = wheel
    names = set(archive.namelist())
    # Documentation inside a package folder (profiles/README.md) is read on the clone;
    # every other file, code or data, is something the installed command may need.
    needed = {name for name in source_files() if not name.endswith(".md")}
    assert needed - names == set()
    for shipped in (
        "policies/customer_service.yaml",
        "policies/customer_service_2027.yaml",
        "appraisal/read/imports/profiles/dingtalk_daily.yaml",
        "appraisal/read/imports/profiles/dingtalk_monthly.yaml",
        "appraisal/read/imports/profiles/dingtalk_raw.yaml",
        "appraisal/read/imports/profiles/zkteco.yaml",
        "appraisal/py.typed",
        "payroll_export/py.typed",
    ):
        assert shipped in names
    assert not any(name.startswith(("tests/", "bench/", "examples/", "docs/")) for name in names)


def test_the_wheel_declares_the_command_and_what_it_needs(
    wheel: tuple[zipfile.ZipFile, list[str]],
) -> None:
    archive, _ = wheel
    info = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "appraisal = appraisal.cli:main" in archive.read(info).decode()
    metadata = archive.read(info.replace("entry_points.txt", "METADATA")).decode()
    required = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [line for line in required if "extra ==" not in line]
    for package in ("pydantic", "simpleeval", "openpyxl", "PyYAML", "rich"):
        assert any(line.split()[1].startswith(package) for line in runtime), package
    assert not any(tool in line for line in runtime for tool in ("pytest", "mypy", "ruff"))


# ---- make ---------------------------------------------------------------------------------


def dry_run(target: str, tmp_path: Path) -> list[str]:
    """What `make TARGET` would run for a fresh venv (`make -n`: nothing is run)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    done = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if "pip install" in line]


def test_make_example_installs_only_what_running_needs(tmp_path: Path) -> None:
    installs = dry_run("example", tmp_path)
    assert any(line.endswith("install --quiet -e .") for line in installs), installs
    assert not any("[dev]" in line for line in installs)


def test_make_check_installs_the_development_tools(tmp_path: Path) -> None:
    installs = dry_run("check", tmp_path)
    assert any(line.endswith("install --quiet -e '.[dev]'") for line in installs), installs
