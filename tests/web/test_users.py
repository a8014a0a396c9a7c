"""The users file and the roles' rights (issue 13 item 2): every problem of the file at
once, with its line, entry and field; argon2 hashes, never passwords; atomic writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from appraisal.i18n import set_language
from appraisal.problems import problem_messages
from appraisal.web.users import (
    RIGHTS,
    User,
    Users,
    UsersFileError,
    add_user,
    hash_password,
    load_users,
)


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


def test_the_rights_of_each_role_as_the_issue_gives_them() -> None:
    manager = User("张经理", "manager", ("客服一组",))
    hr, auditor, admin = User("hr", "hr"), User("a", "auditor"), User("root", "admin")
    assert [a for a in sorted(RIGHTS["hr"]) if manager.may(a)] == ["read", "resolve", "upload"]
    assert not manager.may("upload_roster") and not manager.may("seal")
    assert all(hr.may(a) for a in ("upload_roster", "preview", "seal", "download", "resolve"))
    assert not hr.may("replay") and not hr.may("what_if") and not hr.may("manage_users")
    assert {a for a in RIGHTS["auditor"] if auditor.may(a)} == {
        "read",
        "download",
        "replay",
        "what_if",
    }
    assert not auditor.may("upload") and not auditor.may("seal") and not auditor.may("resolve")
    assert admin.may("manage_users") and not admin.may("read")
    assert manager.sees("客服一组") and not manager.sees("客服二组")
    assert not manager.sees(None) and not manager.sees("")  # an employee without a department
    assert hr.sees("客服二组") and auditor.sees(None) and not admin.sees("客服一组")


def test_a_password_round_trips_through_its_argon2_hash(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    assert add_user(path, "张经理", "manager", ["客服一组", "客服二组"], "correct horse") is False
    text = path.read_text(encoding="utf-8")
    assert "correct horse" not in text and "$argon2id$" in text
    assert "张经理" in text  # written as Unicode, readable
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # hashes: the owner's only
    users = load_users(path)
    assert users.check("张经理", "correct horse") == User(
        "张经理", "manager", ("客服一组", "客服二组")
    )
    assert users.check("张经理", "correct horsE") is None
    assert users.check("nobody", "correct horse") is None
    assert [u.name for u in users] == ["张经理"] and len(users) == 1
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_adding_a_name_again_replaces_its_entry(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "hr", "hr", [], "first password")
    add_user(path, "audit", "auditor", [], "audit password")
    assert add_user(path, "hr", "manager", ["客服一组"], "second password") is True
    users = load_users(path)
    assert [(u.name, u.role, u.departments) for u in users] == [
        ("hr", "manager", ("客服一组",)),
        ("audit", "auditor", ()),
    ]
    assert users.check("hr", "first password") is None
    assert users.check("hr", "second password") is not None


def test_add_user_refuses_a_bad_user_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    with pytest.raises(UsersFileError) as refused:
        add_user(path, "", "boss", [], "")
    fields = [issue.column for issue in refused.value.issues]
    assert fields == ["name", "role", "password"]
    with pytest.raises(UsersFileError) as refused:
        add_user(path, "m", "manager", [], "a password")
    assert [str(i) for i in refused.value.issues] == [
        f"{path}:departments: a manager needs at least one department"
    ]
    assert not path.exists()


def test_every_problem_of_a_users_file_at_once_with_line_entry_and_field(tmp_path: Path) -> None:
    good = hash_password("pw-12345678")
    path = tmp_path / "users.yaml"
    path.write_text(
        "users:\n"  # 1
        "  - name: 张经理\n"  # 2: entry 1, fine
        "    role: manager\n"
        "    departments: [客服一组]\n"
        f"    password: '{good}'\n"
        "  - name: boss\n"  # 6: entry 2
        "    role: owner\n"  # 7: unknown role
        f"    password: '{good}'\n"
        "  - name: 李经理\n"  # 9: entry 3, a manager without departments (its line)
        "    role: manager\n"
        f"    password: '{good}'\n"
        "  - name: 张经理\n"  # 12: entry 4, the name again
        "    role: hr\n"
        "    password: hunter2\n"  # 14: not a hash (and never echoed)
        "    email: x@example.com\n",  # 15: unknown field
        encoding="utf-8",
    )
    with pytest.raises(UsersFileError) as refused:
        load_users(path)
    assert [str(issue) for issue in refused.value.issues] == [
        f"{path}:7:role: user 2: unknown role 'owner'; the roles are manager, hr, auditor, admin",
        f"{path}:9:departments: user 3: a manager needs at least one department",
        f"{path}:15:email: user 4: unknown field 'email'; the fields are name, role, departments, password",
        f"{path}:12:name: user 4: the name '张经理' is given to an earlier user too",
        f"{path}:14:password: user 4: password must be an argon2 hash, as appraisal users add writes it",
    ]
    assert "hunter2" not in str(refused.value)
    # worded as the command line words a list of problems, with its closing count
    lines = problem_messages(refused.value)
    assert lines[-1] == "5 problems in the users file."
    set_language("zh")
    assert problem_messages(refused.value)[-1] == "用户文件中有5个问题。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the users file is empty; add a user with appraisal users add NAME --role admin"),
        ("- a\n- b\n", "the users file must be a mapping with the key users"),
        ("users: 3\n", "users must be a list of users (name, role, departments, password)"),
        ("users: []\nadmins: []\n", "unknown key 'admins'; the file has only the key users"),
    ],
)
def test_a_users_file_of_the_wrong_shape(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsersFileError) as refused:
        load_users(path)
    assert [issue.message for issue in refused.value.issues] == [expected]


def test_a_missing_users_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError) as refused:
        load_users(tmp_path / "users.yaml")
    assert str(refused.value.issues[0]) == (
        f"{tmp_path / 'users.yaml'}: file not found; add a user with appraisal users add NAME --role admin"
    )


def test_an_empty_list_is_a_file_without_users(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    path.write_text("users: []\n", encoding="utf-8")
    assert len(load_users(path)) == 0
    assert Users().check("x", "y") is None
