"""The designer in real headless Chromium: an administrator builds a ledger with a child table,
publishes it, an editor fills it; a rule between fields and a rename follow (these two need the
rules and versions engines: skipped, with the reason, where the engine lacks them).
Screenshots of the designer and of its preview go to test-artifacts/."""
from __future__ import annotations

import inspect
import json
import urllib.request

import pytest

from core.access import accounts
from core.ledgers import versions
from core.definition.checks import META_SCHEMA
from tests.browser.support import ARTIFACTS, browser_as, chrome, find, live_server, wait_new_page  # noqa: E402,F401
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser

RULES = "rules" in META_SCHEMA["properties"]["x-ledger"]["properties"]
RENAMES = "migrate" in inspect.signature(versions.save_definition).parameters


TOKENS: dict[str, str] = {}


def fill(db) -> None:
    accounts.create_user(db, "admin", "admin", "admin-password")
    accounts.create_user(db, "editor", "editor", "editor-password")
    TOKENS["admin"] = accounts.issue_token(db, "admin")


@pytest.fixture(scope="module")
def server():
    with live_server("designer", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome(window="1400,1000", console_logs=True) as driver:
        yield driver


def wait(browser, condition, timeout: float = 10):
    return WebDriverWait(browser, timeout).until(condition)


def type_into(element, text: str, commit: bool = False) -> None:
    """Replace an input's text as a user would; with `commit`, leave it (a field key is taken then)."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)
    if commit:
        element.send_keys(Keys.TAB)


def preview_settled(browser) -> None:
    """The preview answer for the latest edit has arrived (no request pending)."""
    wait(browser, lambda d: find(d, "#designer").get_attribute("data-pending") is None)


def add_field(browser, where: str, title: str, key: str, kind: str | None = None) -> None:
    """Add a field at `where` ("/" or a card's children pointer), then name and type it."""
    before = len(browser.find_elements(By.CSS_SELECTOR, "[data-field-key]"))
    find(browser, f'[data-add-field="{where}"]').click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-field-key]")) == before + 1)
    new_key = browser.switch_to.active_element.get_attribute("data-field-title")
    type_into(find(browser, f'[data-field-title="{new_key}"]'), title)
    type_into(find(browser, f'[data-field-key="{new_key}"]'), key, commit=True)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-field-key="{key}"]'))
    if kind:
        Select(find(browser, f'[data-field-kind="{key}"]')).select_by_value(kind)
        wait(browser, lambda d: Select(d.find_element(By.CSS_SELECTOR, f'[data-field-kind="{key}"]'))
             .first_selected_option.get_attribute("value") == kind)


def top_keys(browser) -> list[str]:
    return [e.get_attribute("data-card").rsplit("/", 1)[1]
            for e in browser.find_elements(By.CSS_SELECTOR, '[data-fields="/"] > li')]


def drag(browser, key: str, onto: str) -> None:
    """HTML5 drag and drop of a field card's heading onto another card (WebDriver cannot drive it)."""
    browser.execute_script("""
        var source = document.querySelector('[data-card="/properties/' + arguments[0] + '"] > details > summary');
        var target = document.querySelector('[data-card="/properties/' + arguments[1] + '"]');
        var data = new DataTransfer();
        ['dragstart', 'dragover', 'drop', 'dragend'].forEach(function (type) {
          (type === 'dragstart' || type === 'dragend' ? source : target).dispatchEvent(
            new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
        });""", key, onto)


def no_console_errors(browser) -> None:
    problems = [e for e in browser.get_log("browser")
                if (e["level"] == "SEVERE" or "Content Security Policy" in e["message"]) and "favicon" not in e["message"]]
    assert not problems, problems


def publish(browser, screenshot: str | None = None) -> str:
    """Publish from the editor: the dialog shows the plan (its text is returned), then confirm."""
    find(browser, '[data-action="publish"]').click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "[data-publish-dialog]").get_attribute("open") is not None)
    plan = find(browser, "[data-plan]").text
    if screenshot:
        browser.save_screenshot(str(ARTIFACTS / screenshot))
    wait_new_page(browser, lambda: find(browser, '[data-action="confirm-publish"]').click())
    return plan


def test_build_a_ledger_with_a_child_table_and_publish_it(server, browser, browser_as):
    browser_as("admin")
    browser.get(server + "/designer")
    type_into(find(browser, "#new-key"), "car_repairs")
    type_into(find(browser, "#new-title-input"), "公务用车维修台帐")
    wait_new_page(browser, lambda: find(browser, ".designer-new-form button").click())
    assert browser.current_url.startswith(server + "/designer/car_repairs")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))

    find(browser, '[data-card="/properties/name"] summary').click()
    type_into(find(browser, '[data-field-title="name"]'), "车牌号")
    type_into(find(browser, '[data-field-key="name"]'), "plate", commit=True)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-field-key="plate"]'))
    add_field(browser, "/", "送修日期", "sent_on", "date")
    add_field(browser, "/", "取车日期", "back_on", "date")
    add_field(browser, "/", "维修项目", "items", "table")
    add_field(browser, "/properties/items/items", "费用", "cost", "money")

    # reorder with the buttons and by dragging a card's heading onto another card
    find(browser, '[data-move-up="back_on"]').click()
    assert top_keys(browser) == ["plate", "back_on", "sent_on", "items"]
    drag(browser, "back_on", "plate")
    assert top_keys(browser) == ["back_on", "plate", "sent_on", "items"]
    drag(browser, "back_on", "sent_on")
    assert top_keys(browser) == ["plate", "sent_on", "back_on", "items"]

    for key in ("plate", "sent_on", "back_on"):
        find(browser, f'[data-list-option="columns:{key}"]').click()
    find(browser, '[data-list-option="search:plate"]').click()

    # a problem is shown at its place, on the field's card, and listed above
    type_into(find(browser, '[data-limit="maxLength"][data-for="plate"]'), "很长")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-card="/properties/plate"] [data-problem]'))
    assert "d-has-problem" in find(browser, '[data-card="/properties/plate"]').get_attribute("class")
    assert "/properties/plate/maxLength" in find(browser, "[data-problems-list]").text
    type_into(find(browser, '[data-limit="maxLength"][data-for="plate"]'), "20")
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-problem]"))

    # the JSON tab: a syntax error names its line and column; the visual editor follows a good edit
    find(browser, '[data-tab="json"]').click()
    box = find(browser, "[data-json]")
    text = box.get_attribute("value")
    browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
                           box, text.replace('"title": "公务用车维修台帐",', '"title": "公务用车维修台帐",,'))
    wait(browser, lambda d: "第" in find(d, "[data-json-error]").text and "行" in find(d, "[data-json-error]").text)
    browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
                           box, text.replace('"title": "公务用车维修台帐"', '"title": "公务用车维修登记"'))
    find(browser, '[data-tab="visual"]').click()
    assert find(browser, "[data-ledger-title]").get_attribute("value") == "公务用车维修登记"

    # the preview is the staff form; a sample entry is checked as one types
    preview_settled(browser)
    preview = find(browser, "[data-preview-form]")
    assert "车牌号" in preview.text and "维修项目" in preview.text
    find(browser, '[data-preview-form] [name="items-0-cost"]').send_keys("12.345")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-check-error]"))
    messages = " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, "[data-check-error]"))
    assert "必填" in messages  # 车牌号 is required
    browser.save_screenshot(str(ARTIFACTS / "designer.png"))
    find(browser, ".designer-preview").screenshot(str(ARTIFACTS / "designer-preview.png"))

    find(browser, '[data-action="save"]').click()
    wait(browser, lambda d: "已保存草稿" in find(d, "[data-message]").text)
    assert "将新建台帐" in publish(browser)
    assert browser.current_url.startswith(server + "/ledgers/car_repairs")
    assert "已发布" in find(browser, ".flash").text
    no_console_errors(browser)

    browser_as("editor")
    browser.get(server + "/ledgers/car_repairs/new")
    find(browser, "#plate").send_keys("苏A12345")
    browser.execute_script("document.getElementById('sent_on').value='2026-03-10';"
                           "document.getElementById('back_on').value='2026-03-12'")
    find(browser, '[name="items-0-item"]').send_keys("更换刹车片")
    find(browser, '[name="items-0-cost"]').send_keys("860")
    wait_new_page(browser, lambda: find(browser, ".entry-form button[type=submit]").click())
    assert "苏A12345" in find(browser, "main").text and "更换刹车片" in find(browser, "main").text


def test_a_rule_from_the_designer_shows_beside_its_field(server, browser, browser_as):
    browser_as("admin")
    browser.get(server + "/designer/car_repairs")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))
    find(browser, "[data-add-rule]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-rule-field="check-0"]'))
    Select(find(browser, '[data-rule-field="check-0"]')).select_by_value("back_on")
    Select(find(browser, '[data-rule-op="check-0"]')).select_by_value("gte")
    type_into(find(browser, '[data-rule-value="check-0"]'), "$sent_on")
    type_into(find(browser, '[data-rule-message="0"]'), "取车日期不能早于送修日期")
    # 取车日期 only once a plate is typed: the preview follows x-show-when like the staff form
    find(browser, '[data-card="/properties/back_on"] summary').click()
    Select(find(browser, '[data-show-when-field="back_on"]')).select_by_value("plate")
    Select(find(browser, '[data-show-when-op="back_on"]')).select_by_value("contains")
    type_into(find(browser, '[data-show-when-value="back_on"]'), "苏")
    preview_settled(browser)
    if RULES:
        wait(browser, lambda d: not find(d, '[data-preview-form] #back_on').is_displayed())
        find(browser, "[data-preview-form] #plate").send_keys("苏A00001")
        wait(browser, lambda d: find(d, '[data-preview-form] #back_on').is_displayed())
    document = json.loads(browser.execute_script("return document.querySelector('[data-json]').value"))
    assert document["x-ledger"]["rules"] == [{"check": {"back_on__gte": "$sent_on"}, "message": "取车日期不能早于送修日期"}]
    assert document["properties"]["back_on"]["x-show-when"] == {"plate__contains": "苏"}
    if not RULES:
        pytest.skip("publishing x-ledger.rules needs the rules branch merged")
    publish(browser)
    browser_as("editor")
    browser.get(server + "/ledgers/car_repairs/new")
    find(browser, "#plate").send_keys("苏A54321")
    browser.execute_script("document.getElementById('sent_on').value='2026-03-10';"
                           "document.getElementById('back_on').value='2026-03-01'")
    wait_new_page(browser, lambda: find(browser, ".entry-form button[type=submit]").click())
    beside = find(browser, "#back_on").find_element(By.XPATH, "..").text
    assert "取车日期不能早于送修日期" in beside


def test_a_rename_in_the_designer_keeps_the_old_values(server, browser, browser_as):
    browser_as("admin")
    browser.get(server + "/designer/car_repairs")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))
    find(browser, '[data-card="/properties/plate"] summary').click()
    type_into(find(browser, '[data-field-title="plate"]'), "车牌号码")
    type_into(find(browser, '[data-field-key="plate"]'), "plate_no", commit=True)
    wait(browser, lambda d: "原名 plate" in find(d, '[data-card="/properties/plate_no"]').text)
    document = json.loads(browser.execute_script("return document.querySelector('[data-json]').value"))
    assert document["properties"]["plate_no"]["x-renamed-from"] == "plate"
    assert document["required"][0] == "plate_no" and "plate_no" in document["x-ledger"]["list"]["columns"]
    if RULES:  # the condition of test 2 follows the rename
        assert document["properties"]["back_on"]["x-show-when"] == {"plate_no__contains": "苏"}
    preview_settled(browser)
    if not RENAMES:
        pytest.skip("moving the values of a renamed field needs the versions branch merged")
    plan = publish(browser, "designer-publish.png")
    assert "车牌号" in plan  # the change is named before anything is stored
    browser_as("editor")
    browser.get(server + "/ledgers/car_repairs")
    table = find(browser, "main table")
    assert "车牌号码" in table.text and "苏A12345" in table.text


def form_labels(browser) -> list[str]:
    return [e.get_attribute("for") for e in browser.find_elements(By.CSS_SELECTOR, ".entry-form label[for]")]


def fetch_text(browser, url: str) -> str:
    """GET `url` with the browser's session (what a click on 导出 downloads), as text."""
    return browser.execute_async_script(
        "var done = arguments[1]; fetch(arguments[0]).then(function (r) { return r.text(); }).then(done);", url)


def test_field_order_survives_reopening_reordering_and_publishing(server, browser, browser_as):
    """Keys in non-alphabetical order: kept by the first publish, by reopening the designer,
    and a reorder alone publishes a new version that the form, list, export and API follow."""
    order = ["duty_date", "person", "shift", "notes"]
    browser.get_log("browser")  # what the tests before left (a refused form is a 422 by design)
    browser_as("admin")
    browser.get(server + "/designer")
    type_into(find(browser, "#new-key"), "duty")
    type_into(find(browser, "#new-title-input"), "值班台帐")
    wait_new_page(browser, lambda: find(browser, ".designer-new-form button").click())
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))
    find(browser, '[data-card="/properties/name"] summary').click()
    type_into(find(browser, '[data-field-title="name"]'), "值班日期")
    type_into(find(browser, '[data-field-key="name"]'), "duty_date", commit=True)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-field-key="duty_date"]'))
    Select(find(browser, '[data-field-kind="duty_date"]')).select_by_value("date")
    add_field(browser, "/", "值班人", "person")
    add_field(browser, "/", "班次", "shift")
    add_field(browser, "/", "备注", "notes", "textarea")
    assert top_keys(browser) == order
    preview_settled(browser)
    assert "将新建台帐" in publish(browser)
    assert browser.current_url.startswith(server + "/ledgers/duty")
    browser.get(server + "/ledgers/duty/new")
    assert form_labels(browser) == order

    # reopened, the designer shows the published order; a reorder alone is a new version
    browser.get(server + "/designer/duty")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))
    assert top_keys(browser) == order
    find(browser, '[data-card="/properties/person"] summary').click()
    find(browser, '[data-move-up="person"]').click()
    reordered = ["person", "duty_date", "shift", "notes"]
    assert top_keys(browser) == reordered
    preview_settled(browser)
    plan = publish(browser)
    assert "顺序调整为：值班人、值班日期、班次、备注" in plan
    assert "第 2 版" in find(browser, ".flash").text

    # the form, then the list, the export and the API, in the new order
    browser.get(server + "/ledgers/duty/new")
    assert form_labels(browser) == reordered
    find(browser, "#person").send_keys("张三")
    browser.execute_script("document.getElementById('duty_date').value='2026-03-01'")
    find(browser, "#shift").send_keys("夜班")
    wait_new_page(browser, lambda: find(browser, ".entry-form button[type=submit]").click())
    browser.get(server + "/ledgers/duty")
    cells = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr:first-child td[data-label]")
    assert [c.get_attribute("data-label") for c in cells][1:] == ["值班人", "值班日期", "班次", "备注"]
    assert "张三" in find(browser, "main table").text
    csv_link = find(browser, "main").find_element(By.PARTIAL_LINK_TEXT, "导出 CSV").get_attribute("href")
    header = fetch_text(browser, csv_link).lstrip("\ufeff").splitlines()[0].split(",")
    assert [h for h in header if h in ("值班日期", "值班人", "班次", "备注")] == ["值班人", "值班日期", "班次", "备注"]
    exported = json.loads(fetch_text(browser, server + "/designer/duty/export.json?source=current"))
    assert list(exported["properties"]) == reordered
    request = urllib.request.Request(server + "/api/v1/ledgers/duty",
                                     headers={"Authorization": f"Bearer {TOKENS['admin']}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = json.loads(answer.read())
    assert body["version"] == 2 and list(body["definition"]["properties"]) == reordered
    no_console_errors(browser)


def test_the_publish_dialog_counts_each_change_with_its_own_examples(server, browser, browser_as):
    """After the field-order test: one 值班 entry exists; a tighter limit affects it, a new title not."""
    browser_as("admin")
    browser.get(server + "/designer/duty")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))
    find(browser, '[data-card="/properties/person"] summary').click()
    type_into(find(browser, '[data-limit="maxLength"][data-for="person"]'), "1")
    find(browser, '[data-card="/properties/notes"] summary').click()
    type_into(find(browser, '[data-field-title="notes"]'), "交接备注")
    preview_settled(browser)
    find(browser, '[data-action="publish"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-changes] [data-change]"))
    limits = find(browser, '[data-changes] [data-change="limits"]')
    assert limits.find_element(By.CSS_SELECTOR, "[data-change-affected]").get_attribute("data-change-affected") == "1"
    assert "值班人" in limits.find_element(By.CSS_SELECTOR, ".d-examples").text
    retitled = find(browser, '[data-changes] [data-change="retitled"]')
    assert not retitled.find_elements(By.CSS_SELECTOR, "[data-change-affected]")
    assert find(browser, "[data-affected]").get_attribute("data-affected") == "1"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-other-affected]")
    find(browser, '[data-action="cancel-publish"]').click()


def test_a_not_in_condition_is_written_as_the_engine_reads_it(server, browser, browser_as):
    """The operators offered follow the chosen field's kind (core's rule_ops, served in the page's
    catalogue); 不属于 writes `field__nin` with a list, and the server finds no problem in it."""
    browser_as("admin")
    browser.get(server + "/designer/duty")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-preview-form]"))
    find(browser, "[data-add-rule]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-rule-field="check-0"]'))
    Select(find(browser, '[data-rule-field="check-0"]')).select_by_value("shift")
    ops = [o.get_attribute("value") for o in Select(find(browser, '[data-rule-op="check-0"]')).options]
    assert ops == ["", "ne", "contains", "in", "nin"]  # a text field: no ordering operators
    Select(find(browser, '[data-rule-op="check-0"]')).select_by_value("nin")
    assert Select(find(browser, '[data-rule-op="check-0"]')).first_selected_option.text.startswith("不属于")
    type_into(find(browser, '[data-rule-value="check-0"]'), "早班，白班")
    type_into(find(browser, '[data-rule-message="0"]'), "只排夜班")
    preview_settled(browser)
    document = json.loads(browser.execute_script("return document.querySelector('[data-json]').value"))
    assert document["x-ledger"]["rules"][-1] == {"check": {"shift__nin": ["早班", "白班"]}, "message": "只排夜班"}
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-problem]")
    Select(find(browser, '[data-rule-field="check-0"]')).select_by_value("duty_date")
    ops = [o.get_attribute("value") for o in Select(find(browser, '[data-rule-op="check-0"]')).options]
    assert ops == ["", "ne", "lt", "lte", "gt", "gte", "in", "nin"]
