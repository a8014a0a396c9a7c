"""Policy stage: the scheme as data, checked when it loads, resolved for a month.

- `source`: YAML files (with `extends`) and the dated values they hold;
- `schema`: the pydantic model of a policy document;
- `expr`: the expression sandbox (simpleeval) for formulas and triggers;
- `loaded`: `load_policy`, `Policy` and `PolicyInForce` (the values in force a month).
"""

from appraisal.policy.loaded import (
    LevelInfo,
    Policy,
    PolicyError,
    PolicyInForce,
    default_policy_path,
    load_policy,
    load_policy_bundle,
)

__all__ = [
    "LevelInfo",
    "Policy",
    "PolicyError",
    "PolicyInForce",
    "default_policy_path",
    "load_policy",
    "load_policy_bundle",
]
