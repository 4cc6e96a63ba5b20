"""A report page in real headless Chromium: the chart is drawn (SVG, offline ECharts) with no
CSP violation; screenshots of a bar chart and of a cross table go to test-artifacts/."""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from app import create_app
from core import accounts, demo, store
from core.access import SYSTEM

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

pytestmark = pytest.mark.browser

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(f"no Chromium here: need {CHROMIUM} and {CHROMEDRIVER}", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402


@pytest.fixture(scope="module")
def server():
    folder = Path(tempfile.mkdtemp(prefix="ledger-reports-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'browser.db'}", "SECRET_KEY": "browser-test",
                      "TESTING": True})
    db = app.extensions["ledger_db"]
    accounts.create_user(db, "viewer", "viewer", "viewer-password")
    for key in ("supervision", "emergency_plans"):
        store.create_entries(db, SYSTEM, key, demo.demo_entries(key))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    profile = tempfile.mkdtemp(prefix="ledger-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1366,1000", "--lang=zh-CN", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(3)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def login(server, browser):
    browser.get(server + "/ledgers/supervision/reports")
    browser.find_element(By.CSS_SELECTOR, "#name").send_keys("viewer")
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys("viewer-password")
    page = browser.find_element(By.CSS_SELECTOR, "html")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


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
