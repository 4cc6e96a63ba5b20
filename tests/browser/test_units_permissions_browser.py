"""Units and per-ledger permissions in real headless Chromium: an admin adds a unit under a parent
and sees it in the tree, a bad key is refused with a message; a rule "editors: own unit" saved
on the permissions page takes effect: an editor of another unit no longer sees the rows."""
from __future__ import annotations

import pytest

import demo
from core.access import accounts
from core.entries import store
from core.access import units
from core.access.policy import SYSTEM
from tests.browser.support import browser_as, chrome, find, live_server, wait_new_page  # noqa: E402,F401 - skips without Chromium
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

pytestmark = pytest.mark.browser
TOWNS = {"chengguan": "城关街道", "dongcheng": "东城街道"}
ENTRIES: dict[str, list[int]] = {title: [] for title in TOWNS.values()}


def fill(db) -> None:
    chief = accounts.create_user(db, "chief", "admin", "chief-password")
    units.create_unit(db, chief, "office", "区政府办公室")
    for key, title in TOWNS.items():
        units.create_unit(db, chief, key, title, "office")
    accounts.create_user(db, "east", "editor", "east-password", unit="dongcheng")
    for i, data in enumerate(demo.demo_entries("supervision")[:6]):
        title = list(TOWNS.values())[i % 2]
        ENTRIES[title].append(store.create_entry(db, SYSTEM, "supervision", {**data, "unit": title})["id"])


@pytest.fixture(scope="module")
def server():
    with live_server("units", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome(window="1366,1000", console_logs=True) as driver:
        yield driver


def submit(browser, form: str) -> None:
    wait_new_page(browser, lambda: find(browser, f"{form} button[type=submit]").click())


def severe(browser) -> list:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"
            and "favicon" not in e["message"] and "status of 422" not in e["message"]
            and "status of 404" not in e["message"]]


def listed_units(browser, server: str) -> list[str]:
    browser.get(server + "/ledgers/supervision?_size=100")
    return [row.text for row in browser.find_elements(By.CSS_SELECTOR, "table.entry-list tbody tr")]


def test_a_unit_under_a_parent_and_a_bad_key(server, browser, browser_as):
    browser_as("chief")
    browser.get(server + "/units")
    find(browser, "input[name=key]").send_keys("xinhua")
    find(browser, "input[name=title]").send_keys("新华街道")
    Select(find(browser, "select[name=parent]")).select_by_value("office")
    submit(browser, "form[action='/units']")
    assert "已新建单位“新华街道”" in find(browser, ".flash").text
    tree = [(li.get_attribute("class"), li.text) for li in browser.find_elements(By.CSS_SELECTOR, "ul.unit-tree li")]
    assert ("depth-0", "区政府办公室 office") in tree and ("depth-1", "新华街道 xinhua") in tree
    assert tree.index(("depth-1", "新华街道 xinhua")) > tree.index(("depth-0", "区政府办公室 office"))

    find(browser, "input[name=key]").send_keys("坏 标识!")
    find(browser, "input[name=title]").send_keys("河口镇")
    submit(browser, "form[action='/units']")
    assert "单位标识应为 1-64 个字母、数字或 . - _" in find(browser, "[role=alert]").text
    assert find(browser, "input[name=title]").get_attribute("value") == "河口镇", "what was typed stays"
    assert "河口镇" not in " ".join(li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.unit-tree li"))
    assert not severe(browser)


def test_an_editor_rule_scoped_to_the_unit_hides_other_units_rows(server, browser, browser_as):
    browser_as("east")
    before = listed_units(browser, server)
    assert any("城关街道" in row for row in before), "without rules an editor sees every row"

    browser_as("chief")
    browser.get(server + "/ledgers/supervision/permissions")
    Select(find(browser, "select[name=role_0]")).select_by_value("editor")
    for action in ("read", "create", "edit"):
        find(browser, f"input[name=actions_0][value={action}]").click()
    Select(find(browser, "select[name=scope_0]")).select_by_value("unit")
    submit(browser, "form[action='/ledgers/supervision/permissions']")
    assert "已保存权限设置" in find(browser, ".flash").text
    assert Select(find(browser, "select[name=scope_0]")).first_selected_option.get_attribute("value") == "unit"
    assert Select(find(browser, "select[name=role_0]")).first_selected_option.get_attribute("value") == "editor"

    browser_as("east")
    after = listed_units(browser, server)
    assert len(after) == len(ENTRIES["东城街道"]) and all("东城街道" in row for row in after), after
    browser.get(server + f"/ledgers/supervision/entries/{ENTRIES['城关街道'][0]}")
    assert "404" in browser.title or "不存在" in browser.page_source
    browser.get(server + f"/ledgers/supervision/entries/{ENTRIES['东城街道'][0]}")
    assert "东城街道" in find(browser, "main").text
    assert not severe(browser)
