"""Print and phone in real headless Chromium: the bulletin as printed (screenshot and PDF), the
list and an entry at phone width. Artifacts go to test-artifacts/; the module shares one server."""
from __future__ import annotations

import base64

import pytest

import demo
from core.access import accounts
from core.entries import store
from core.access.policy import SYSTEM
from core.settings import local_today
from tests.browser.support import ARTIFACTS, browser_as, chrome, find, live_server, wait_new_page  # noqa: E402,F401
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.browser

A4 = {"width": 688, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


def fill(db) -> None:
    """The sample data of the supervision and reception ledgers."""
    accounts.create_user(db, "editor", "editor", "editor-password")
    for key in ("supervision", "receptions"):
        store.create_entries(db, SYSTEM, key, demo.demo_entries(key, today=local_today()), source="cli")


@pytest.fixture(scope="module")
def server():
    with live_server("print", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome() as driver:
        yield driver


def displayed(driver, css) -> bool:
    return any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, css))


def test_sign_in(server, browser, browser_as):
    browser_as("editor")
    assert "/login" not in browser.current_url


def test_bulletin_printed_and_saved_as_pdf(server, browser, browser_as):
    browser_as("editor")
    year = local_today().year
    browser.get(f"{server}/ledgers/supervision")
    wait_new_page(browser, lambda: find(browser, "a[href$='/bulletin']").click())
    assert find(browser, "h1").text.replace(" ", "") == "督查通报"
    find(browser, "#b-from").clear()
    browser.execute_script("document.getElementById('b-from').value = arguments[0];"
                           "document.getElementById('b-to').value = arguments[1];"
                           "document.getElementById('b-no').value = '12';", f"{year}-01-01", f"{year}-12-31")
    wait_new_page(browser, lambda: find(browser, ".bulletin-form button[type=submit]").click())
    assert "第 12 期" in find(browser, ".bulletin-no").text
    assert find(browser, "[data-print]").is_displayed()        # wired by static/js/app.js
    assert browser.find_elements(By.CSS_SELECTOR, ".overdue-items tbody tr")
    browser.save_screenshot(str(ARTIFACTS / "bulletin.png"))

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not displayed(browser, ".site-header")
        assert not displayed(browser, ".bulletin-form") and not displayed(browser, "[data-print]")
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.bulletin-table thead')).display") == "table-header-group"
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.bulletin-head')).textAlign") == "center"
        colour = browser.execute_script("return getComputedStyle(document.querySelector('.bulletin-title')).color")
        assert colour in ("rgb(0, 0, 0)", "rgba(0, 0, 0, 1)")
        # the width of an A4 page inside its margins (182 mm at 96 px per inch), as it will print
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", A4)
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.save_screenshot(str(ARTIFACTS / "bulletin-print.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
    data = base64.b64decode(pdf["data"])
    (ARTIFACTS / "bulletin.pdf").write_bytes(data)
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_entry_prints_as_a_form_record(server, browser, browser_as):
    browser_as("editor")
    browser.get(f"{server}/ledgers/supervision")
    wait_new_page(browser, lambda: find(browser, ".entry-list tbody a").click())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.values')).display") == "table"
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.values dt')).borderTopStyle") == "solid"
        assert not displayed(browser, ".page-head .actions")
        browser.save_screenshot(str(ARTIFACTS / "entry-print.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_list_at_phone_width_is_cards(server, browser, browser_as):
    browser_as("editor")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        browser.get(f"{server}/ledgers/supervision")
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.entry-list tbody tr')).display") == "block"
        assert not displayed(browser, ".entry-list thead th")
        label = browser.execute_script(
            "return getComputedStyle(document.querySelector('.entry-list td[data-label]'), '::before').content")
        assert label == '"编号"'
        assert not find(browser, "details.filter-fold").get_attribute("open")   # filters folded away
        assert not displayed(browser, ".filters")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.save_screenshot(str(ARTIFACTS / "list-phone.png"))
        find(browser, "details.filter-fold > summary").click()
        assert displayed(browser, ".filters")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.save_screenshot(str(ARTIFACTS / "list-phone-filters.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_child_tables_stack_at_phone_width(server, browser, browser_as):
    browser_as("editor")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        browser.get(f"{server}/ledgers/receptions")
        wait_new_page(browser, lambda: find(browser, ".entry-list tbody a").click())
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.child-rows tbody tr')).display") == "block"
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.save_screenshot(str(ARTIFACTS / "entry-phone.png"))
        browser.get(f"{server}/ledgers/receptions/new")
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('#itinerary .child-rows tbody tr')).display") == "block"
        label = browser.execute_script(
            "return getComputedStyle(document.querySelector('#itinerary td[data-label]'), '::before').content")
        assert label.strip('"') and label != "none"
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.execute_script("arguments[0].scrollIntoView()", find(browser, "#itinerary"))
        browser.save_screenshot(str(ARTIFACTS / "form-phone.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_wide_screen_keeps_the_table_and_open_filters(server, browser, browser_as):
    browser_as("editor")
    browser.get(f"{server}/ledgers/supervision")
    assert find(browser, "details.filter-fold").get_attribute("open") is not None
    assert displayed(browser, ".filters")
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('.entry-list tbody tr')).display") == "table-row"
