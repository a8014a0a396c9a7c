"""`appraisal serve` and `appraisal users add|list` on the command line (issue 13 items 1,
2 and 5): no server without a user, loopback by default, the password from stdin."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from typing import Any

import pytest

from appraisal.cli import main
from appraisal.web.users import load_users


def cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    try:
        code = main(list(arguments))
    except SystemExit as usage:
        code = int(usage.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run, recorded instead of run."""
    calls: list[dict[str, Any]] = []
    import uvicorn

    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    return calls


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_serve_refuses_without_a_users_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]]
) -> None:
    users = tmp_path / "users.yaml"
    code, _out, err = cli(capsys, "--lang", "zh", "serve", "--users", str(users))
    assert code == 1 and served == []
    assert err.splitlines() == [
        f"{users}: 找不到文件；请用 appraisal users add NAME --role admin 添加用户",
        "用户文件中有1个问题。",
    ]


def test_serve_refuses_a_users_file_without_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]]
) -> None:
    users = tmp_path / "users.yaml"
    users.write_text("users: []\n", encoding="utf-8")
    code, _out, err = cli(
        capsys, "serve", "--users", str(users), "--ledger", str(tmp_path / "l.db")
    )
    assert code == 1 and served == []
    assert err == f"{users}: no user; add one with appraisal users add NAME --role admin\n"


def test_serve_listens_on_the_loopback_by_default_and_says_where(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    served: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = tmp_path / "users.yaml"
    stdin(monkeypatch, "admin-password\n")
    assert cli(capsys, "users", "add", "root", "--role", "admin", "--users", str(users))[0] == 0
    ledger = tmp_path / "l.db"
    arguments = ["serve", "--users", str(users), "--ledger", str(ledger), "--max-upload", "0.5"]
    code, out, err = cli(capsys, "--lang", "zh", *arguments)
    assert code == 0 and err == ""
    assert out == (
        f"网页地址：http://127.0.0.1:8000/（账本 {ledger}，用户文件 {users}，1个用户）；按 Ctrl+C 停止。\n"
    )
    [call] = served
    assert (call["host"], call["port"]) == ("127.0.0.1", 8000)
    settings = call["app"].state.settings
    assert settings.max_upload_bytes == 512 * 1024 and settings.ledger == ledger
    assert not ledger.exists()  # serving creates no ledger before the first upload


def test_serve_warns_when_other_machines_can_reach_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    served: list[dict[str, Any]],
    users_file: Path,
) -> None:
    code, out, err = cli(capsys, "serve", "--users", str(users_file), "--host", "0.0.0.0", "--port", "8123")  # fmt: skip
    assert code == 0 and "http://0.0.0.0:8123/" in out
    assert err.startswith("Warning: listening on 0.0.0.0, which other machines can reach;")
    assert served[0]["port"] == 8123
    for host in ("::1", "localhost", "127.0.0.2"):
        assert cli(capsys, "serve", "--users", str(users_file), "--host", host)[2] == ""


def test_users_add_reads_the_password_from_stdin_and_never_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "users.yaml"
    stdin(monkeypatch, "s3cret-pass-word\n")
    add = ["users", "add", "张经理", "--role", "manager", "--department", "客服一组", "--users", str(users)]  # fmt: skip
    code, out, _err = cli(capsys, *add)
    assert code == 0
    assert out.splitlines()[0] == f"Added 张经理 to {users} as manager (客服一组)."
    assert load_users(users).check("张经理", "s3cret-pass-word") is not None
    stdin(monkeypatch, "another-pass-word\n")
    code, out, _err = cli(capsys, *add, "--department", "客服二组")
    assert code == 0
    assert out.splitlines()[0] == f"Replaced the entry of 张经理 in {users}: now manager (客服一组, 客服二组)."  # fmt: skip
    assert load_users(users).check("张经理", "s3cret-pass-word") is None
    assert load_users(users).check("张经理", "another-pass-word") is not None
    code, listed, _err = cli(capsys, "users", "list", "--users", str(users))
    assert code == 0
    assert listed == f"{users}: 1 user(s)\n  张经理  manager  客服一组, 客服二组\n"
    everything = out + listed
    assert "pass-word" not in everything and "argon2" not in everything


def test_users_add_refuses_a_short_password_and_a_manager_without_department(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "users.yaml"
    stdin(monkeypatch, "short\n")
    code, _out, err = cli(capsys, "users", "add", "hr", "--role", "hr", "--users", str(users))
    assert code == 1
    assert err == "The password must have at least 8 characters; nothing was changed.\n"
    stdin(monkeypatch, "long-enough-password\n")
    code, _out, err = cli(capsys, "users", "add", "m", "--role", "manager", "--users", str(users))
    assert code == 1 and err == f"{users}:departments: a manager needs at least one department\n"
    code, _out, err = cli(capsys, "users", "add", "x", "--role", "boss", "--users", str(users))
    assert code == 2 and "boss" in err  # argparse's choices
    assert not users.exists()


def test_users_add_asks_twice_without_echo_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(""))
    answers = iter(["first-password", "other-password", "same-password", "same-password"])
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or next(answers))
    users = tmp_path / "users.yaml"
    code, _out, err = cli(capsys, "users", "add", "a", "--role", "auditor", "--users", str(users))
    assert code == 1 and err == "The two passwords differ; nothing was changed.\n"
    assert not users.exists()
    assert cli(capsys, "users", "add", "a", "--role", "auditor", "--users", str(users))[0] == 0
    assert prompts == ["Password: ", "The password again: "] * 2
    assert load_users(users).check("a", "same-password") is not None


def test_serve_says_so_when_its_port_is_taken(
    capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]], users_file: Path
) -> None:
    """Not uvicorn's English "[Errno 98] error while attempting to bind", after a line
    saying where the page is: one line in Chinese, before anything is started."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        code, out, err = cli(
            capsys, "--lang", "zh", "serve", "--users", str(users_file), "--port", str(port)
        )
    assert (code, out, served) == (1, "", [])
    assert err == f"127.0.0.1 的端口 {port} 已被其他程序占用；请用 --port 换一个端口。\n"
