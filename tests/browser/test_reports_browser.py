"""A report page in real headless Chromium: the chart is drawn (SVG, offline ECharts) with no
CSP violation; screenshots of a bar chart and of a cross table go to test-artifacts/."""
from __future__ import annotations

import pytest

import demo
from core.access import accounts
from core.entries import store
from core.access.policy import SYSTEM
from tests.browser.support import ARTIFACTS, chrome, live_server, signed_in  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser


def fill(db) -> None:
    accounts.create_user(db, "viewer", "viewer", "viewer-password")
    for key in ("supervision", "emergency_plans"):
        store.create_entries(db, SYSTEM, key, demo.demo_entries(key))


@pytest.fixture(scope="module")
def server():
    with live_server("reports", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome(window="1366,1000", console_logs=True) as driver:
        yield driver


def login(server, browser):
    signed_in(browser, server, "viewer")
    browser.get(server + "/ledgers/supervision/reports")


def chart_drawn(browser) -> None:
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#report-chart").get_attribute("data-ready") == "1")
    svg = browser.find_element(By.CSS_SELECTOR, "#report-chart svg")
    assert svg.size["width"] > 300 and svg.size["height"] > 200
    assert len(browser.find_elements(By.CSS_SELECTOR, "#report-chart svg path")) > 5
    problems = [e for e in browser.get_log("browser")
                if (e["level"] == "SEVERE" or "Content Security Policy" in e["message"]) and "favicon" not in e["message"]]
    assert not problems, problems


def test_supervision_by_unit_chart(server, browser):
    login(server, browser)
    assert "/ledgers/supervision/reports" in browser.current_url
    browser.find_element(By.LINK_TEXT, "按承办单位统计").click()
    chart_drawn(browser)
    assert "办结率" in browser.find_element(By.CSS_SELECTOR, ".report-table").text
    browser.save_screenshot(str(ARTIFACTS / "report-supervision-by-unit.png"))


def test_emergency_cross_table_chart(server, browser):
    browser.get(server + "/ledgers/emergency_plans/reports/by_level_category")
    chart_drawn(browser)
    table = browser.find_element(By.CSS_SELECTOR, "table.cross")
    assert "区级专项" in table.text and "合计" in table.text
    browser.save_screenshot(str(ARTIFACTS / "report-emergency-level-category.png"))
