"""run.py serve binds HOST (default 127.0.0.1); the README's example password is one the server accepts."""
from __future__ import annotations

import re

import pytest

import run
from core.access import accounts
from tests.conftest import ROOT


@pytest.mark.parametrize("env,bind", [({}, "127.0.0.1:8000"), ({"HOST": "0.0.0.0", "PORT": "8080"}, "0.0.0.0:8080"),
                                      ({"HOST": "::"}, "[::]:8000")])
def test_serve_binds_host(monkeypatch, capsys, env, bind):
    for name in ("HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    calls = []
    monkeypatch.setattr(run, "flask", lambda *args: calls.append(args))
    monkeypatch.setattr(run.os, "chdir", lambda path: None)
    monkeypatch.setattr(run.os, "execv", lambda path, argv: calls.append(tuple(argv)))
    run.serve([])
    command = calls[-1]
    assert command[command.index("--bind") + 1] == bind
    printed = capsys.readouterr().out
    assert ("HTTPS" in printed) == (env.get("HOST") in ("0.0.0.0", "::"))


def test_readme_example_passwords_are_accepted(db):
    readme = (ROOT / "README.md").read_text("utf-8")
    passwords = re.findall(r"--password '([^']+)'", readme)
    assert passwords and "至少8位的密码" not in readme
    for i, password in enumerate(passwords):
        accounts.create_user(db, f"readme{i}", "admin", password)
    assert "/setup" in readme and "HOST=0.0.0.0" in readme and "SESSION_COOKIE_SECURE=1" in readme


def test_serve_prints_one_setup_address_and_its_workers_do_not_repeat_it(monkeypatch, capsys):
    for name in ("HOST", "PORT", "SETUP_HINT"):
        monkeypatch.delenv(name, raising=False)
    calls = []
    monkeypatch.setattr(run, "flask", lambda *args: calls.append(args))
    monkeypatch.setattr(run.os, "chdir", lambda path: None)
    monkeypatch.setattr(run.os, "execv", lambda path, argv: calls.append(dict(run.os.environ)))
    run.serve([])
    assert calls[0] == ("init", "--url", "http://127.0.0.1:8000")
    assert calls[-1]["SETUP_HINT"] == "0"
    assert "http://127.0.0.1:8000" in capsys.readouterr().out


def test_server_url_for_every_interface_is_an_address_a_browser_can_open(monkeypatch):
    monkeypatch.setattr(run, "lan_address", lambda: "192.168.1.7")
    assert run.server_url("0.0.0.0", "8080") == "http://192.168.1.7:8080"
    monkeypatch.setattr(run, "lan_address", lambda: None)
    assert run.server_url("0.0.0.0", "8000") == "http://127.0.0.1:8000"
    assert run.server_url("::", "8000") == "http://[::1]:8000"
    assert run.server_url("::1", "8000") == "http://[::1]:8000"


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """run.py's venv in a temporary folder, pip recorded instead of run."""
    (tmp_path / "bin").mkdir()
    monkeypatch.setattr(run, "VENV", tmp_path)
    monkeypatch.setattr(run, "BIN", tmp_path / "bin")
    monkeypatch.setattr(run, "STAMP", tmp_path / ".installed")
    installs = []
    monkeypatch.setattr(run.subprocess, "run", lambda argv, **kw: installs.append(argv[-1]))
    return installs


def test_serve_installs_no_test_tools_and_test_does(fake_venv, monkeypatch):
    root = str(run.ROOT)
    monkeypatch.setattr(run.sys, "argv", ["run.py", "serve"])
    monkeypatch.setattr(run, "serve", lambda args: None)
    run.main()
    assert fake_venv[-1] == root  # `pip install -e .`, not `.[test]`
    fake_venv.clear()
    run.bootstrap()
    assert fake_venv == []  # installed: nothing to do
    run.bootstrap(("test",))
    assert fake_venv[-1] == f"{root}[test]"  # the tests need their extras: installed once
    fake_venv.clear()
    run.bootstrap(("test",))
    run.bootstrap()  # a venv made for the tests serves as it is
    assert fake_venv == []
    run.STAMP.write_text("0" * 64 + " test")  # pyproject.toml changed
    run.bootstrap()
    assert fake_venv[-1] == root
