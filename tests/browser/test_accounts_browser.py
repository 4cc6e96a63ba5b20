"""First start and accounts in real headless Chromium: /setup from the server's own machine
creates the first admin, who signs in, creates a user, issues a token shown once and disables
the user; no CSP violation on any of these pages."""
from __future__ import annotations

import pytest

from core.access import accounts
from tests.browser.support import chrome, live_server  # noqa: E402 - skips the module without Chromium
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    """A server with no user and no ledger: what a first start looks like."""
    found = {}
    with live_server("accounts", lambda db: found.update(db=db), LOAD_SHIPPED_LEDGERS=False) as url:
        yield url, found["db"]


@pytest.fixture(scope="module")
def browser():
    with chrome(window="1366,1000", console_logs=True) as driver:
        yield driver


def submit(browser, selector="form button[type=submit]"):
    page = browser.find_element(By.CSS_SELECTOR, "html")
    browser.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def no_csp_errors(browser):
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"
              and "404" not in e["message"]]  # /setup is a 404 once used; no favicon
    assert not errors, errors


def test_first_admin_then_accounts(server, browser):  # noqa: F811
    base, db = server
    browser.get(base + "/login")
    assert "尚无任何用户" in browser.page_source
    browser.get(base + "/setup")
    browser.find_element(By.CSS_SELECTOR, "#name").clear()
    browser.find_element(By.CSS_SELECTOR, "#name").send_keys("chief")
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys("chief-password")
    browser.find_element(By.CSS_SELECTOR, "#confirm").send_keys("chief-password")
    submit(browser)
    assert browser.current_url.endswith("/login")
    browser.find_element(By.CSS_SELECTOR, "#name").send_keys("chief")
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys("chief-password")
    submit(browser)
    browser.get(base + "/setup")
    assert "404" in browser.page_source

    browser.get(base + "/users")
    browser.find_element(By.CSS_SELECTOR, "#new-name").send_keys("clerk")
    Select(browser.find_element(By.CSS_SELECTOR, "#new-role")).select_by_value("editor")
    browser.find_element(By.CSS_SELECTOR, "#new-password").send_keys("clerk-password")
    submit(browser, "section form button[type=submit]")
    assert browser.current_url.endswith("/users/clerk") and "已创建用户 clerk" in browser.page_source

    submit(browser, "form[action='/users/clerk/tokens'] button")
    token = browser.find_element(By.CSS_SELECTOR, "#new-token").text
    assert accounts.actor_for_token(db, token).name == "clerk"

    browser.get(base + "/users/clerk")
    submit(browser, "form[action='/users/clerk/active'] button")
    assert "已停用该用户" in browser.page_source
    assert accounts.actor_for_token(db, token) is None
    no_csp_errors(browser)
