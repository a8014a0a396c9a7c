"""The shape of the code: no import cycle, and modules small enough to read in one sitting.

Imports are read by grimp from the source, those under ``if TYPE_CHECKING:`` and inside
functions included: a cycle that only the type checker follows still ties the modules
together. A package ``__init__`` that re-exports its submodules imports them, so a
submodule that imports from its own package's ``__init__`` closes a cycle too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("appraisal", "payroll_export")
MAX_MODULE_LINES = 400  # STYLE.md 7: a few hundred lines, read in one sitting


def import_cycles(
    modules: Iterable[str], imports_of: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """The strongly connected components that hold a cycle, each sorted (Tarjan).

    A component of one module is a cycle only when that module imports itself.
    """
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        imported = sorted(imports_of(module))
        for other in imported:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in imported:
                cycles.append(sorted(component))

    for module in sorted(modules):
        if module not in order:
            visit(module)
    return sorted(cycles)


def build_graph(*packages: str) -> grimp.ImportGraph:
    return grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)


def describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    """A cycle's modules, then each import between them with its line."""
    members = set(cycle)
    lines = [f"import cycle among {', '.join(cycle)}:"]
    for importer in cycle:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(
                    f"  {importer}:{detail['line_number']} imports {imported}"
                    f"  ({detail['line_contents']})"
                )
    return "\n".join(lines)


def test_no_import_cycle_in_the_packages() -> None:
    graph = build_graph(*PACKAGES)
    cycles = import_cycles(graph.modules, graph.find_modules_directly_imported_by)
    assert cycles == [], "\n".join(describe(graph, cycle) for cycle in cycles)


def test_no_module_is_too_long_to_read_in_one_sitting() -> None:
    lengths = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert len(lengths) > 50  # the packages were found
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES}
    assert too_long == {}, "\n".join(
        f"{name}: {lines} lines (at most {MAX_MODULE_LINES})" for name, lines in too_long.items()
    )


# --- the cycle finder itself ---------------------------------------------------------------


def test_the_cycle_finder_on_a_graph_worked_by_hand() -> None:
    # a ⇄ b; c → d → e → c, with f hanging off the ring; g imports itself; h imports nothing.
    imports: Mapping[str, set[str]] = {
        "a": {"b"},
        "b": {"a", "h"},
        "c": {"d"},
        "d": {"e"},
        "e": {"c", "f"},
        "f": {"h"},
        "g": {"g"},
        "h": set(),
    }
    assert import_cycles(imports, imports.__getitem__) == [
        ["a", "b"],
        ["c", "d", "e"],
        ["g"],
    ]
    imports["e"].discard("c")
    assert import_cycles(imports, imports.__getitem__) == [["a", "b"], ["g"]]


def test_a_re_export_and_a_type_checking_import_make_a_cycle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # shop/__init__.py re-exports Till from shop.tills; shop/tills.py imports Price from
    # the package, only for the type checker. shop.prices is imported by both, in no cycle.
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from shop.prices import Price\nfrom shop.tills import Till\n", encoding="utf-8"
    )
    (package / "prices.py").write_text("class Price:\n    pass\n", encoding="utf-8")
    (package / "tills.py").write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from shop import Price\n"
        "class Till:\n"
        "    price: Price\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = build_graph("shop")
    cycles = import_cycles(graph.modules, graph.find_modules_directly_imported_by)
    assert cycles == [["shop", "shop.tills"]]
    assert describe(graph, cycles[0]).splitlines() == [
        "import cycle among shop, shop.tills:",
        "  shop:2 imports shop.tills  (from shop.tills import Till)",
        "  shop.tills:4 imports shop  (from shop import Price)",
    ]
