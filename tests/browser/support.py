"""What every browser test module needs: Debian's Chromium, a live server over a fresh database,
and the small waits. selenium-manager never downloads anything here."""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest
from flask import Flask

from app import create_app
from core.db.models import Database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(f"no Chromium here: need {CHROMIUM} and {CHROMEDRIVER} "
                "(Debian: apt-get install chromium chromium-driver)", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402


@contextmanager
def live_server(name: str, fill: Callable[[Database], None], extend: Callable[[Flask], None] | None = None,
                **config) -> Iterator[str]:
    """The app on a free loopback port, over a fresh SQLite database that `fill` prepares;
    `extend` may add test-only routes to the app before it serves."""
    folder = Path(tempfile.mkdtemp(prefix=f"ledger-{name}-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'browser.db'}", "SECRET_KEY": f"{name}-test",
                      "TESTING": True, **config})
    db = app.extensions["ledger_db"]
    fill(db)
    if extend is not None:
        extend(app)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def chrome(window: str = "1366,900", console_logs: bool = False) -> Iterator["webdriver.Chrome"]:
    """Headless Debian Chromium with a throw-away profile."""
    options = webdriver.ChromeOptions()
    profile = tempfile.mkdtemp(prefix="ledger-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--window-size={window}", "--lang=zh-CN", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    if console_logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(3)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def find(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css)


def wait_new_page(driver, action: Callable[[], object]) -> None:
    """Do `action` (a click that navigates) and wait until the next page has replaced this one."""
    page = find(driver, "html")
    action()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(page))


def log_in(driver, server: str, name: str, password: str) -> None:
    driver.get(server + "/login")
    find(driver, "#name").send_keys(name)
    find(driver, "#password").send_keys(password)
    wait_new_page(driver, lambda: find(driver, "form button[type=submit]").click())


def signed_in(driver, server: str, name: str, password: str | None = None) -> None:
    """`driver` signed in to `server` as `name` (password "<name>-password" unless given). A new
    user gets a new session (cookies dropped first); the user already signed in by this helper
    is not signed in again."""
    if getattr(driver, "ledger_user", None) == (server, name):
        return
    driver.ledger_user = None
    driver.delete_all_cookies()
    log_in(driver, server, name, password or f"{name}-password")
    driver.ledger_user = (server, name)


@pytest.fixture
def browser_as(server, browser):
    """browser_as("editor"): the module's `browser`, signed in to its `server` as that user
    (import it into a test module that defines those two fixtures)."""
    url = server[0] if isinstance(server, tuple) else server

    def sign(name: str, password: str | None = None):
        signed_in(browser, url, name, password)
        return browser
    return sign
