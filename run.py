#!/usr/bin/env python3
"""Bootstrap and run, with nothing but Python 3.11+, pip and git on the machine.

    python3 run.py serve   # venv + dependencies + database + shipped ledgers, then gunicorn on :8000
                           # (HOST=0.0.0.0 for the office network: put HTTPS in front, SESSION_COOKIE_SECURE=1)
    python3 run.py test    # venv + dependencies, then the whole test suite (extra args go to pytest)

Dependencies are installed into .venv once, and again only when pyproject.toml changes; `serve`
installs what serving needs, `test` the test tools as well.
"""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def python() -> str:
    return str(BIN / ("python.exe" if os.name == "nt" else "python"))


def bootstrap(extras: tuple[str, ...] = ()) -> None:
    """Create .venv and install the project (with `extras`, e.g. ("test",)) when pyproject.toml
    changed or an extra is missing. The stamp holds the file's hash and the extras installed:
    serving installs only what serving needs, and a venv made for the tests serves as it is."""
    if sys.version_info < (3, 11):
        sys.exit(f"需要 Python 3.11 或更新版本（当前 {sys.version.split()[0]}）")
    if not BIN.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = STAMP.read_text().split() if STAMP.exists() else []
    if stamp[:1] == [wanted] and set(extras) <= set(stamp[1:]):
        return
    print("安装依赖 …", flush=True)
    pip = [python(), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    target = f"{ROOT}[{','.join(extras)}]" if extras else str(ROOT)
    subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(" ".join([wanted, *extras]))


def flask(*args: str) -> None:
    subprocess.run([python(), "-m", "flask", "--app", "app", *args], check=True, cwd=ROOT)


def serve(args: list[str]) -> None:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    url = server_url(host, port)
    flask("init", "--url", url)  # prints the set-up address while there are no users
    if "--demo" in args:
        flask("demo")
    print(f"台帐服务已启动：{url}  （Ctrl+C 停止）", flush=True)
    if host in ("0.0.0.0", "::"):
        print("注意：已对网络开放（HOST=" + host + "）。未经 HTTPS 时密码与会话以明文传输，"
              "请置于 HTTPS 反向代理之后并设置 SESSION_COOKIE_SECURE=1。", flush=True)
    # --timeout: a worker silent this long is killed. Imports run in the request and are capped
    # (core/tabular/sheets.py MAX_ROWS, 50,000 rows, ~10-25 s) to finish well within it.
    gunicorn = [python(), "-m", "gunicorn", "--workers", os.environ.get("WORKERS", "2"),
                "--timeout", os.environ.get("TIMEOUT", "120"),
                "--bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}", "app:create_app()"]
    os.chdir(ROOT)
    os.environ["SETUP_HINT"] = "0"  # init printed it; the workers need not repeat it
    os.execv(gunicorn[0], gunicorn)


def server_url(host: str, port: str) -> str:
    """Where a browser reaches the server: a listener on every interface at this machine's
    address on the network (127.0.0.1 when it has none)."""
    if host in ("0.0.0.0", "::"):
        host = lan_address() or ("127.0.0.1" if host == "0.0.0.0" else "::1")
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def lan_address() -> str | None:
    """This machine's address on its network (no packet is sent: a UDP socket only picks a route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith(("0.", "127.")) else address


def test(args: list[str]) -> None:
    result = subprocess.run([python(), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command not in ("serve", "test"):
        sys.exit(__doc__)
    bootstrap(("test",) if command == "test" else ())  # pytest, selenium, … only for the tests
    serve(rest) if command == "serve" else test(rest)


if __name__ == "__main__":
    main()
