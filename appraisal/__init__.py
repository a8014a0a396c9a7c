"""appraisal: a performance-appraisal and grading rules engine.

Policies are data (YAML under ``policies/``); a pure evaluator applies the policy in
force to a month's events and explains every point and yuan back to its input row;
a SQLite ledger seals each month so that auditors can replay it.

The pipeline: read → validate → resolve policy → evaluate → check → seal → export.
The exception tree is drawn in `appraisal.errors`.
"""

from appraisal.domain.errors import AppraisalError, InputError
from appraisal.domain.model import CarriedState, Employee, Event, Issue, Kind, Month, Source
from appraisal.domain.version import __version__
from appraisal.engine.evaluate import Evaluation, evaluate
from appraisal.export.statement import UnknownEmployee, statement
from appraisal.ledger.store import AlreadySealed, Ledger, LedgerError, NothingToAmend, OutOfOrder
from appraisal.pipeline import evaluate_rows, read_inputs, replay_month, run_month
from appraisal.policy.loaded import (
    Policy,
    PolicyError,
    PolicyInForce,
    default_policy_path,
    load_policy,
)

__all__ = [
    "AlreadySealed",
    "AppraisalError",
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
    "Source",
    "UnknownEmployee",
    "__version__",
    "default_policy_path",
    "evaluate",
    "evaluate_rows",
    "load_policy",
    "read_inputs",
    "replay_month",
    "run_month",
    "statement",
]
