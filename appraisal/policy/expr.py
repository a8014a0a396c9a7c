"""Safe expressions in policies (the "resolve policy" stage compiles them).

Conditions and formulas in a policy file are simpleeval expressions. Each one is parsed
once, when the policy loads; every name in it is checked against the names its place
in the policy provides (a misspelt name is an error with "did you mean"), and only a
small arithmetic and logic subset is allowed. Numbers written in an expression are
exact decimals, so money never passes through binary floats. There are no random or
clock functions: the functions are passed to simpleeval explicitly.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simpleeval import SimpleEval

from appraisal.domain.suggest import closest

__all__ = ["Expression", "ExpressionError", "compile_expression", "did_you_mean"]

MAX_EXPRESSION_LENGTH = 500

FUNCTIONS: Mapping[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs}

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
)

Value = Decimal | bool
_EVALUATOR = SimpleEval(functions=dict(FUNCTIONS), names={})


class ExpressionError(ValueError):
    """An expression that cannot be compiled; the message says why."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when none is close."""
    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""


@dataclass(frozen=True)
class Expression:
    """A compiled policy expression, ready to evaluate many times."""

    text: str
    names: frozenset[str]
    _tree: ast.AST

    def evaluate(self, names: Mapping[str, Value]) -> Value:
        # Building a SimpleEval costs more than evaluating a short expression, and the
        # parsed tree is passed in, so one evaluator serves every call with its names.
        _EVALUATOR.names = names
        result = _EVALUATOR.eval(self.text, previously_parsed=self._tree)
        if isinstance(result, bool | Decimal):
            return result
        if isinstance(result, int):
            return Decimal(result)
        raise ExpressionError(f"{self.text!r} gave {result!r}, not a number or a truth value")

    def money(self, names: Mapping[str, Value]) -> Decimal:
        result = self.evaluate(names)
        if isinstance(result, bool):
            raise ExpressionError(f"{self.text!r} is a condition, a yuan amount was expected")
        return result

    def holds(self, names: Mapping[str, Value]) -> bool:
        return bool(self.evaluate(names))


def compile_expression(text: str, allowed_names: Iterable[str]) -> Expression:
    """Parse and check ``text``; raise ExpressionError naming every problem found."""
    allowed = frozenset(allowed_names)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not a valid expression: {text!r} ({error.msg})") from None

    problems: list[str] = []
    used: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            problems.append(f"{type(node).__name__} is not allowed in a policy expression")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = node.func.id if isinstance(node.func, ast.Name) else "that"
                problems.append(
                    f"function {called!r} is not available (only {', '.join(FUNCTIONS)})"
                    + did_you_mean(called, FUNCTIONS)
                )
            if node.keywords:
                problems.append("keyword arguments are not allowed")
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                continue
            used.add(node.id)
            if node.id not in allowed:
                problems.append(
                    f"unknown name {node.id!r}{did_you_mean(node.id, allowed)}; "
                    f"names here: {', '.join(sorted(allowed)) or 'none'}"
                )
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                continue
            if isinstance(node.value, int | float):
                # Written numbers are exact decimals: 0.5 means Decimal("0.5").
                node.value = Decimal(repr(node.value))  # type: ignore[assignment]  # simpleeval returns it as is
            else:
                problems.append(f"only numbers may be written in an expression, not {node.value!r}")
    if problems:
        raise ExpressionError("; ".join(dict.fromkeys(problems)))
    return Expression(text=text.strip(), names=frozenset(used), _tree=tree.body)
