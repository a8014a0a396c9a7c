"""A package's public names imported from their homes the first time they are asked for.

`import appraisal` and `appraisal.read.imports` name many things that most commands
never use; importing them all up front cost `appraisal run` a third of its start-up.
Each package keeps a table of where each name lives and sets its module `__getattr__`
to `lazy_names(...)` (PEP 562); a `TYPE_CHECKING` block gives the type checker the
real imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, homes: Mapping[str, str], names: MutableMapping[str, Any]
) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: a name of ``homes`` imported from its
    module (``homes[name]``, absolute) and kept in ``names`` (the package's globals), so
    that it is imported once; any other name is an AttributeError as usual."""

    def attribute(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = names[name] = getattr(importlib.import_module(home), name)
        return value

    return attribute
