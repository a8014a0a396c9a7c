"""Who sees what: the role's rights and a manager's departments, for the desk.

Every method of `appraisal.web.desk.Desk` first asks `require` (the role may do the
action, else `Forbidden` naming the role and the action), then keeps only what the user
`sees`: a manager only the employees of their departments (the roster's ``department``
for a draft, each person's sealed ``department`` for a sealed month); HR and auditors
everyone. An employee outside the user's departments is refused (`Forbidden`), never
shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from appraisal.i18n import N_, _
from appraisal.web.errors import Forbidden
from appraisal.web.users import ROLE_TITLES, Action, User

__all__ = ["ACTIONS", "refuse_employee", "require", "role_name", "visible"]

T = TypeVar("T")

#: How each action is named in a refusal.
ACTIONS: dict[str, str] = {
    "read": N_("read the months"),
    "upload": N_("add files or decisions to a draft"),
    "upload_roster": N_("send the roster (HR sends it)"),
    "resolve": N_("resolve review items"),
    "preview": N_("preview the month's pay"),
    "seal": N_("seal, amend or re-seal a month"),
    "download": N_("download workbooks, results or payslips"),
    "replay": N_("replay a sealed month"),
    "what_if": N_("run a what-if of a draft policy"),
    "manage_users": N_("manage users"),
}


def role_name(user: User) -> str:
    return _(ROLE_TITLES[user.role]) if user.role in ROLE_TITLES else user.role


def require(user: User, action: Action) -> None:
    """`Forbidden` unless the user's role may do ``action``."""
    if not user.may(action):
        message = _("{user} ({role}) may not {action}")
        said = message.format(user=user.name, role=role_name(user), action=_(ACTIONS[action]))
        raise Forbidden(said)


def refuse_employee(user: User, employee_id: str) -> Forbidden:
    """The refusal of an employee outside the user's departments (without their data)."""
    message = _(
        "{user} ({role}) may not see employee {employee}: not of their departments ({departments})"
    )
    departments = ", ".join(user.departments) or _("none")
    return Forbidden(
        message.format(
            user=user.name, role=role_name(user), employee=employee_id, departments=departments
        )
    )


def visible(
    user: User,
    items: Iterable[T],
    employee_of: Callable[[T], str],
    departments: Mapping[str, str],
) -> list[T]:
    """The items the user sees: each item's employee's department (``departments``:
    employee_id → department; an employee not in it has none) must be theirs."""
    return [item for item in items if user.sees(departments.get(employee_of(item)))]
