"""Headless Chromium: the index page's deadline counts, their links, quick filters and a
multi-value choice filter without JavaScript tricks. Screenshots go to test-artifacts/."""
from __future__ import annotations

import datetime as dt

import pytest

from core.access import accounts  # noqa: E402
from core.entries import store  # noqa: E402
from core.access.policy import SYSTEM  # noqa: E402
from core.settings import local_today  # noqa: E402
from tests.browser.support import ARTIFACTS, browser_as, chrome, find, live_server, wait_new_page  # noqa: E402,F401
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.browser


def day(offset: int) -> str:
    return (local_today() + dt.timedelta(days=offset)).isoformat()


ITEMS = [("清理河道垃圾", "城关街道", -20, "办理中"), ("修缮文化站", "东城街道", -3, "交办"),
         ("更换路灯", "城关街道", 2, "立项"), ("整治农贸市场", "区市场监管局", -30, "已办结"),
         ("新建停车场", "区住建局", 5, "办理中"), ("改造老旧小区", "区住建局", 60, "交办")]


def fill(db) -> None:
    accounts.create_user(db, "viewer", "viewer", "viewer-password")
    for content, unit, offset, status in ITEMS:
        done = {"progress": 100, "completed_on": day(offset)} if status == "已办结" else {}  # the ledger's rules
        store.create_entry(db, SYSTEM, "supervision", {"content": content, "source": "专题会议纪要",
                                                        "unit": unit, "deadline": day(offset), "status": status, **done})


@pytest.fixture(scope="module")
def server():
    with live_server("due", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome() as driver:
        yield driver


def rows(browser):
    return [r.text for r in browser.find_elements(By.CSS_SELECTOR, ".entry-list tbody tr")]


def test_index_shows_deadline_counts(server, browser, browser_as):
    browser_as("viewer")
    browser.get(server + "/")
    card = browser.find_element(By.XPATH, "//article[.//a[contains(., '督查督办台帐')]]")
    figures = card.find_element(By.CSS_SELECTOR, ".due-counts").text
    assert "5 未办结" in figures and "2 超期" in figures and "2 7 天内到期" in figures
    overdue = card.find_element(By.CSS_SELECTOR, ".due-alert a")
    assert overdue.value_of_css_property("color") != find(browser, "body").value_of_css_property("color")
    browser.save_screenshot(str(ARTIFACTS / "index-deadlines.png"))
    wait_new_page(browser, overdue.click)
    assert "_due=overdue" in browser.current_url
    found = rows(browser)
    assert len(found) == 2 and "清理河道垃圾" in found[0] and "修缮文化站" in found[1]
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.overdue")) == 2
    browser.save_screenshot(str(ARTIFACTS / "list-overdue.png"))


def test_list_opens_on_overdue_first_and_filters_several_statuses(server, browser, browser_as):
    browser_as("viewer")
    browser.get(server + "/ledgers/supervision")
    found = rows(browser)
    assert "清理河道垃圾" in found[0] and "修缮文化站" in found[1] and "整治农贸市场" in found[-1]
    browser.find_element(By.XPATH, "//details[contains(@class, 'multi-select')][.//input[@name='status__in']]/summary").click()
    for status in ("已办结", "立项"):
        find(browser, f"input[name=status__in][value='{status}']").click()
    find(browser, "input[name=_not][value=status]").click()
    browser.save_screenshot(str(ARTIFACTS / "list-multi-select.png"))
    wait_new_page(browser, lambda: find(browser, ".filters button[type=submit]").click())
    found = rows(browser)
    assert len(found) == 4 and not any("整治农贸市场" in r or "更换路灯" in r for r in found)
    browser.refresh()
    assert find(browser, "input[name=status__in][value='已办结']").is_selected()
    assert find(browser, "input[name=_not][value=status]").is_selected()
    summary = browser.find_element(By.XPATH, "//details[contains(@class, 'multi-select')][.//input[@name='status__in']]/summary").text
    assert "除" in summary and "立项" in summary and "已办结" in summary
