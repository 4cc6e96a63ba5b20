"""The audit page in real headless Chromium: an admin filters the trail; no CSP violation."""
from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from app import create_app
from core import accounts, query
from tests.browser.test_reports_browser import CHROMEDRIVER, CHROMIUM, browser  # noqa: F401

pytestmark = pytest.mark.browser

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(f"no Chromium here: need {CHROMIUM}", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402


@pytest.fixture(scope="module")
def server():
    folder = Path(tempfile.mkdtemp(prefix="ledger-audit-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'browser.db'}", "SECRET_KEY": "browser-test",
                      "TESTING": True})
    db = app.extensions["ledger_db"]
    accounts.create_user(db, "boss", "admin", "boss-password")
    editor = accounts.create_user(db, "clerk", "editor", "clerk-password")
    query.list_entries(db, editor, "supervision", {"_q": "<img src=x onerror=alert(1)>"})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def test_admin_filters_the_trail(server, browser):  # noqa: F811
    browser.get(server + "/audit")
    browser.find_element(By.CSS_SELECTOR, "#name").send_keys("boss")
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys("boss-password")
    page = browser.find_element(By.CSS_SELECTOR, "html")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "审计记录"
    browser.find_element(By.CSS_SELECTOR, "#a-user").send_keys("clerk")
    page = browser.find_element(By.CSS_SELECTOR, "html")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.audit-trail tbody tr")
    assert len(rows) == 1 and "list" in rows[0].text and "onerror" in rows[0].text
    assert not browser.find_elements(By.CSS_SELECTOR, "table.audit-trail img")  # shown, not run
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not errors, errors
