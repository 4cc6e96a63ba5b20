"""The completion date shows when 状态 becomes 已办结 (x-show-when), and a broken rule's message
appears beside its field, in a real headless Chromium."""
from __future__ import annotations

import pytest

from core.access import accounts
from core.entries import store
from core.access.policy import SYSTEM
from tests.browser.support import ARTIFACTS, browser_as, chrome, find, live_server, wait_new_page  # noqa: F401
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
ITEM = {"content": "整治农贸市场", "source": "专题会议纪要", "unit": "区市场监管局", "status": "办理中",
        "assigned_on": "2026-03-01", "deadline": "2026-06-30", "progress": 40}


def fill(db) -> None:
    accounts.create_user(db, "editor", "editor", "editor-password")
    store.create_entry(db, SYSTEM, "supervision", ITEM)


@pytest.fixture(scope="module")
def server():
    with live_server("rules", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome(console_logs=True) as driver:
        yield driver


def completion_shown(driver) -> bool:
    return find(driver, "#completed_on").is_displayed()


def test_the_completion_date_appears_when_the_item_is_done(server, browser, browser_as):
    browser_as("editor")
    browser.get(server + "/ledgers/supervision/entries/1/edit")
    WebDriverWait(browser, 10).until(lambda d: not completion_shown(d))
    find(browser, "input[name=status][value=已办结]").click()
    WebDriverWait(browser, 5).until(completion_shown)
    find(browser, "input[name=status][value=办理中]").click()
    WebDriverWait(browser, 5).until(lambda d: not completion_shown(d))
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"]
    assert errors == []


def test_a_rule_message_appears_beside_its_field(server, browser):
    browser.get(server + "/ledgers/supervision/entries/1/edit")
    find(browser, "input[name=status][value=已办结]").click()
    WebDriverWait(browser, 5).until(completion_shown)
    browser.execute_script("arguments[0].value = '2026-02-01'", find(browser, "#completed_on"))
    find(browser, "#progress").clear()
    find(browser, "#progress").send_keys("90")
    wait_new_page(browser, lambda: find(browser, ".entry-form button[type=submit]").click())
    # 办结 asks first, everything typed still in the form; confirming saves it (or shows why not)
    assert "确认“办结”？" in find(browser, "#confirm-step").text
    assert find(browser, "#progress").get_attribute("value") == "90"
    wait_new_page(browser, lambda: find(browser, ".entry-form button[name=_confirm]").click())
    assert find(browser, "#completed_on-error").text == "办结日期不能早于交办日期"
    assert find(browser, "#progress-error").text == "状态为“已办结”时，进度应为 100%"
    assert completion_shown(browser)  # the typed status holds, and a field with a message never hides
    browser.execute_script("arguments[0].scrollIntoView()", find(browser, "#completed_on"))
    browser.save_screenshot(str(ARTIFACTS / "rules-beside-field.png"))
    find(browser, "#progress").clear()
    find(browser, "#progress").send_keys("100")
    browser.execute_script("arguments[0].value = '2026-06-01'", find(browser, "#completed_on"))
    wait_new_page(browser, lambda: find(browser, ".entry-form button[type=submit]").click())
    assert "已保存" in find(browser, "main").text
