"""Records made fast: a maker for a frozen, slotted dataclass.

Shared by the stages that make a record per employee in bulk (the "evaluate" stage:
`EmployeeResult`, `ScoreResult`, the rules' view of a month). A frozen dataclass's own
``__init__`` sets each field by calling ``object.__setattr__`` with its name; setting the
slot through its descriptor takes half the time, and a month makes these records by the
hundred thousand. The record stays what it is (frozen, slotted, compared and pickled as
before): only the way it is first filled differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any, TypeVar

__all__ = ["slotted_maker"]

R = TypeVar("R")


def slotted_maker(cls: type[R]) -> Callable[..., R]:
    """A maker of the frozen, slotted dataclass ``cls``: its init fields in order, all
    given (``maker(a, b, …)`` is ``cls(a, b, …)``), each set through its slot.

    Made as the dataclass makes its ``__init__``, from source: one line a field, no loop.
    A field not in ``__init__`` gets its default. No ``__post_init__`` is run: a class
    that has one is refused, as is one without slots.
    """
    if "__slots__" not in vars(cls) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: a maker needs slots and no __post_init__")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    given: list[str] = []
    lines = ["    made__ = new(cls)"]
    for number, each in enumerate(fields(cls)):  # type: ignore[arg-type]  # a dataclass
        scope[f"set_{number}"] = vars(cls)[each.name].__set__
        if each.init:
            given.append(each.name)
            lines.append(f"    set_{number}(made__, {each.name})")
        elif each.default is not MISSING:
            scope[f"default_{number}"] = each.default
            lines.append(f"    set_{number}(made__, default_{number})")
        else:
            raise TypeError(f"{cls.__name__}.{each.name}: no default for a maker")
    source = "\n".join([f"def make({', '.join(given)}):", *lines, "    return made__"])
    exec(source, scope)  # the dataclass's own way of making its __init__
    maker: Callable[..., R] = scope["make"]
    return maker
