"""The audit page in real headless Chromium: an admin filters the trail; no CSP violation."""
from __future__ import annotations

import pytest

from core.access import accounts
from core.access import audit
from tests.browser.support import chrome, live_server, wait_new_page  # noqa: E402 - skips without Chromium
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.browser


def fill(db) -> None:
    accounts.create_user(db, "boss", "admin", "boss-password")
    editor = accounts.create_user(db, "clerk", "editor", "clerk-password")
    audit.record(db, editor, "list", "supervision", filters={"_q": "<img src=x onerror=alert(1)>"})


@pytest.fixture(scope="module")
def server():
    with live_server("audit", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome(window="1366,1000", console_logs=True) as driver:
        yield driver


def test_admin_filters_the_trail(server, browser):
    browser.get(server + "/audit")
    browser.find_element(By.CSS_SELECTOR, "#name").send_keys("boss")
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys("boss-password")
    wait_new_page(browser, lambda: browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click())
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "审计记录"
    browser.find_element(By.CSS_SELECTOR, "#a-user").send_keys("clerk")
    wait_new_page(browser, lambda: browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click())
    rows = browser.find_elements(By.CSS_SELECTOR, "table.audit-trail tbody tr")
    assert len(rows) == 1 and "查看列表" in rows[0].text and "onerror" in rows[0].text
    assert not browser.find_elements(By.CSS_SELECTOR, "table.audit-trail img")  # shown, not run
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not errors, errors
