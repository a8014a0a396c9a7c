"""appraisal: a performance-appraisal and grading rules engine.

Policies are data (YAML under ``policies/``); a pure evaluator applies the policy in
force to a month's events and explains every point and yuan back to its input row;
a SQLite ledger seals each month so that auditors can replay it.

The pipeline: policy → read → validate → evaluate → check → seal → export, one package
a stage (docs/architecture.md); `run` is the whole of it for one month. The exception
tree is drawn in `appraisal.domain.errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appraisal.domain.lazy import lazy_names

if TYPE_CHECKING:
    from appraisal.audit import replay_month
    from appraisal.domain.errors import AppraisalError, BadFile, InputError, ProfileError
    from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
    from appraisal.domain.version import __version__
    from appraisal.engine.evaluate import Evaluation, evaluate
    from appraisal.export.statement import UnknownEmployee, statement
    from appraisal.ledger import AlreadySealed, Ledger, LedgerError, NothingToAmend, OutOfOrder
    from appraisal.pipeline import RunRequest, read_inputs, run, run_month
    from appraisal.policy.loaded import (
        Policy,
        PolicyError,
        PolicyInForce,
        default_policy_path,
        load_policy,
    )
    from appraisal.rows import evaluate_rows

__all__ = [
    "AlreadySealed",
    "AppraisalError",
    "BadFile",
    "CarriedState",
    "Employee",
    "Evaluation",
    "Event",
    "InputError",
    "Issue",
    "Kind",
    "Ledger",
    "LedgerError",
    "Month",
    "NothingToAmend",
    "OutOfOrder",
    "Policy",
    "PolicyError",
    "PolicyInForce",
    "ProfileError",
    "RunRequest",
    "Source",
    "UnknownEmployee",
    "__version__",
    "default_policy_path",
    "evaluate",
    "evaluate_rows",
    "load_policy",
    "read_inputs",
    "replay_month",
    "run",
    "run_month",
    "statement",
]

# Where each public name lives. A name is imported when it is first used, not when the
# package is: `import appraisal.cli` for `appraisal run` need not import the readers of
# sealed months, the payslips or the web page (about half a second at start-up).
_HOMES = {
    "replay_month": "appraisal.audit",
    "AppraisalError": "appraisal.domain.errors",
    "BadFile": "appraisal.domain.errors",
    "InputError": "appraisal.domain.errors",
    "ProfileError": "appraisal.domain.errors",
    "CarriedState": "appraisal.domain.model",
    "Employee": "appraisal.domain.model",
    "Event": "appraisal.domain.model",
    "Issue": "appraisal.domain.model",
    "Kind": "appraisal.domain.model",
    "Month": "appraisal.domain.model",
    "Source": "appraisal.domain.model",
    "__version__": "appraisal.domain.version",
    "Evaluation": "appraisal.engine.evaluate",
    "evaluate": "appraisal.engine.evaluate",
    "UnknownEmployee": "appraisal.export.statement",
    "statement": "appraisal.export.statement",
    "AlreadySealed": "appraisal.ledger",
    "Ledger": "appraisal.ledger",
    "LedgerError": "appraisal.ledger",
    "NothingToAmend": "appraisal.ledger",
    "OutOfOrder": "appraisal.ledger",
    "RunRequest": "appraisal.pipeline",
    "evaluate_rows": "appraisal.rows",
    "read_inputs": "appraisal.pipeline",
    "run": "appraisal.pipeline",
    "run_month": "appraisal.pipeline",
    "Policy": "appraisal.policy.loaded",
    "PolicyError": "appraisal.policy.loaded",
    "PolicyInForce": "appraisal.policy.loaded",
    "default_policy_path": "appraisal.policy.loaded",
    "load_policy": "appraisal.policy.loaded",
}


__getattr__ = lazy_names(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
