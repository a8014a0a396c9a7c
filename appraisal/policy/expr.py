"""Safe expressions in policies (the "resolve policy" stage compiles them).

Conditions and formulas in a policy file are simpleeval expressions. Each one is parsed
once, when the policy loads; every name in it is checked against the names its place
in the policy provides (a misspelt name is an error with "did you mean"), and only a
small arithmetic and logic subset is allowed. Numbers written in an expression are
exact decimals, so money never passes through binary floats. There are no random or
clock functions: the functions are passed to simpleeval explicitly.

Each expression is also type-checked when it compiles: every value is a number or a
yes/no (a comparison, `and`/`or`/`not`, a yes/no name such as ``dismissed``), and the
two are never mixed: arithmetic takes numbers, `and`/`or`/`not` and the test of
``x if test else y`` take yes/no, min() and max() take two numbers or more, abs() one.
The field an expression sits in says which of the two its result must be (`RESULT`).
"""

from __future__ import annotations

import ast
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simpleeval import SimpleEval

from appraisal.domain.suggest import closest
from appraisal.i18n import _

__all__ = [
    "NUMBER",
    "YES_NO",
    "Expression",
    "ExpressionError",
    "compile_expression",
    "did_you_mean",
]

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

#: The two kinds of value an expression computes with, as messages name them.
NUMBER = "a number"
YES_NO = "yes/no"


class _Evaluators(threading.local):
    """One evaluator a thread: its names are set for each call, so two threads sharing one
    (Dask workers in one process, the web server's requests) would swap theirs."""

    def __init__(self) -> None:
        self.evaluator = SimpleEval(functions=dict(FUNCTIONS), names={})


_EVALUATORS = _Evaluators()


class ExpressionError(ValueError):
    """An expression that cannot be compiled; the message says why."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when none is close."""
    close = closest(word, choices)
    return _(" (did you mean {close!r}?)").format(close=close) if close else ""


@dataclass(frozen=True)
class Expression:
    """A compiled policy expression, ready to evaluate many times."""

    text: str
    names: frozenset[str]
    _tree: ast.AST

    def evaluate(self, names: Mapping[str, Value]) -> Value:
        # Building a SimpleEval costs more than evaluating a short expression, and the
        # parsed tree is passed in, so one evaluator a thread serves every call with its names.
        evaluator = _EVALUATORS.evaluator
        evaluator.names = names
        result = evaluator.eval(self.text, previously_parsed=self._tree)
        if isinstance(result, bool | Decimal):
            return result
        if isinstance(result, int):
            return Decimal(result)
        raise ExpressionError(
            _("{text!r} gave {result!r}, not a number or a truth value").format(
                text=self.text, result=result
            )
        )

    def money(self, names: Mapping[str, Value]) -> Decimal:
        result = self.evaluate(names)
        if isinstance(result, bool):
            raise ExpressionError(
                _("{text!r} is a condition, a yuan amount was expected").format(text=self.text)
            )
        return result

    def holds(self, names: Mapping[str, Value]) -> bool:
        return bool(self.evaluate(names))


def compile_expression(
    text: str,
    allowed_names: Iterable[str],
    *,
    yes_no_names: Iterable[str] = (),
    result: str | None = None,
) -> Expression:
    """Parse and check ``text``; raise ExpressionError naming every problem found.

    Names in ``yes_no_names`` hold yes/no, the other allowed names numbers; ``result``,
    when given (`NUMBER` or `YES_NO`), is what the whole expression must give.
    """
    allowed = frozenset(allowed_names)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            _("expression longer than {max_expression_length} characters").format(
                max_expression_length=MAX_EXPRESSION_LENGTH
            )
        )
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(
            _("not a valid expression: {text!r} ({msg})").format(text=text, msg=error.msg)
        ) from None

    problems: list[str] = []
    used: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            problems.append(
                _("{node_type} is not allowed in a policy expression").format(
                    node_type=type(node).__name__
                )
            )
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = node.func.id if isinstance(node.func, ast.Name) else "that"
                problems.append(
                    _("function {called!r} is not available (only {functions})").format(
                        called=called, functions=", ".join(FUNCTIONS)
                    )
                    + did_you_mean(called, FUNCTIONS)
                )
            if node.keywords:
                problems.append(_("keyword arguments are not allowed"))
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                continue
            used.add(node.id)
            if node.id not in allowed:
                problems.append(
                    _("unknown name {name!r}{hint}; names here: {names}").format(
                        name=node.id,
                        hint=did_you_mean(node.id, allowed),
                        names=", ".join(sorted(allowed)) or _("none"),
                    )
                )
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                continue
            if isinstance(node.value, int | float):
                written = Decimal(repr(node.value))
                if not written.is_finite():
                    problems.append(
                        _("the number {source} is too large").format(source=_segment(source, node))
                    )
                # Written numbers are exact decimals: 0.5 means Decimal("0.5").
                node.value = written  # type: ignore[assignment]  # simpleeval returns it as is
            else:
                problems.append(
                    _("only numbers may be written in an expression, not {value!r}").format(
                        value=node.value
                    )
                )
    if not problems:
        checker = _Types(source, frozenset(yes_no_names), problems)
        kind = checker.kind(tree.body)
        if result is not None and kind is not None and kind != result:
            problems.append(_wrong_result(kind, result))
    if problems:
        raise ExpressionError("; ".join(dict.fromkeys(problems)))
    return Expression(text=source, names=frozenset(used), _tree=tree.body)


def _wrong_result(kind: str, result: str) -> str:
    if result == NUMBER:
        return _("gives {kind}, but this field needs a number (a yuan amount)").format(kind=kind)
    return _("gives {kind}, but this field needs yes/no (a condition such as score < 140)").format(
        kind=kind
    )


def _segment(source: str, node: ast.AST) -> str:
    return ast.get_source_segment(source, node) or type(node).__name__


_OPERATOR = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class _Types:
    """Works out whether each part of an expression is a number or a yes/no, noting
    every place the two are mixed and every call with the wrong arguments."""

    def __init__(self, source: str, yes_no_names: frozenset[str], problems: list[str]) -> None:
        self.source = source
        self.yes_no_names = yes_no_names
        self.problems = problems

    def kind(self, node: ast.AST) -> str | None:
        """NUMBER, YES_NO, or None where a problem makes it unknown."""
        if isinstance(node, ast.Constant):
            return YES_NO if isinstance(node.value, bool) else NUMBER
        if isinstance(node, ast.Name):
            return YES_NO if node.id in self.yes_no_names else NUMBER
        if isinstance(node, ast.BinOp):
            operator = _OPERATOR.get(type(node.op), "arithmetic")
            self.expect(node.left, NUMBER, operator)
            self.expect(node.right, NUMBER, operator)
            return NUMBER
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self.expect(node.operand, YES_NO, "not")
                return YES_NO
            self.expect(node.operand, NUMBER, "a sign")
            return NUMBER
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            for value in node.values:
                self.expect(value, YES_NO, word)
            return YES_NO
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            self.expect(node.test, YES_NO, _("the test of … if … else …"))
            body, orelse = self.kind(node.body), self.kind(node.orelse)
            if body is not None and orelse is not None and body != orelse:
                self.problems.append(
                    _("{node}: one branch gives {body}, the other {orelse}").format(
                        node=self.text(node), body=body, orelse=orelse
                    )
                )
                return None
            return body or orelse
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node, node.func.id)
        return None

    def compare(self, node: ast.Compare) -> str:
        operands = [node.left, *node.comparators]
        kinds = [self.kind(operand) for operand in operands]
        for op, (left, right) in zip(node.ops, itertools.pairwise(kinds), strict=True):
            if isinstance(op, _ORDERING):
                if YES_NO in (left, right):
                    self.problems.append(
                        _("{node}: only numbers can be ordered").format(node=self.text(node))
                    )
            elif left is not None and right is not None and left != right:
                self.problems.append(f"{self.text(node)}: compares {left} with {right}")
        return YES_NO

    def call(self, node: ast.Call, function: str) -> str:
        count = len(node.args)
        if function == "abs" and count != 1:
            self.problems.append(
                _("{node}: abs() takes one number, given {count}").format(
                    node=self.text(node), count=count
                )
            )
        elif function in ("min", "max") and count < 2:
            given = "none" if count == 0 else "one"
            self.problems.append(
                _("{node}: {function}() takes two numbers or more, given {given}").format(
                    node=self.text(node), function=function, given=given
                )
            )
        for argument in node.args:
            self.expect(argument, NUMBER, f"{function}()")
        return NUMBER

    def expect(self, node: ast.AST, wanted: str, where: str) -> None:
        found = self.kind(node)
        if found is not None and found != wanted:
            self.problems.append(f"{self.text(node)} is {found}, but {where} needs {wanted}")

    def text(self, node: ast.AST) -> str:
        return _segment(self.source, node)
