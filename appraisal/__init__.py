"""appraisal: a performance-appraisal and grading rules engine.

Policies are data (YAML under ``policies/``); a pure evaluator applies the policy in
force to a month's events and explains every point and yuan back to its input row;
a SQLite ledger seals each month so that auditors can replay it.

The pipeline: policy → read → validate → evaluate → check → seal → export, one package
a stage (docs/architecture.md); `run` is the whole of it for one month. The exception
tree is drawn in `appraisal.domain.errors`.
"""

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
