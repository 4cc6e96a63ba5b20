"""Real headless Chromium through the main flows; screenshots go to test-artifacts/.

Uses Debian's chromium and chromium-driver (/usr/bin); selenium-manager never downloads anything.
The tests in this module share one server and one browser and run in order.
"""
from __future__ import annotations

import pytest

from core.access import accounts
from core.entries import store
from core.access.policy import SYSTEM
from tests.browser.support import ARTIFACTS, chrome, find, live_server, wait_new_page  # noqa: F401 - find is shared
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
ITEMS = [("清理河道垃圾", "城关街道", "2020-03-01", "办理中"), ("修缮文化站", "东城街道", "2030-08-01", "交办"),
         ("更换路灯", "城关街道", "2030-04-01", "立项"), ("整治农贸市场", "区市场监管局", "2030-01-15", "已办结")]


def fill(db) -> None:
    accounts.create_user(db, "editor", "editor", "editor-password")
    for content, unit, deadline, status in ITEMS:
        done = {"progress": 100, "completed_on": deadline} if status == "已办结" else {}  # the ledger's rules
        store.create_entry(db, SYSTEM, "supervision", {"content": content, "source": "专题会议纪要",
                                                        "unit": unit, "deadline": deadline, "status": status, **done})


@pytest.fixture(scope="module")
def server():
    with live_server("browser", fill) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chrome() as driver:
        yield driver


def set_value(driver, css, value):
    """Date inputs take keystrokes in the browser's locale format; set the ISO value instead."""
    driver.execute_script("arguments[0].value = arguments[1]", find(driver, css), value)


def submit(driver):
    """Press the form's save button and wait until the next page has replaced this one."""
    page = find(driver, "html")
    find(driver, ".entry-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(page))


def test_login(server, browser):
    browser.get(server + "/ledgers/supervision")
    assert "/login" in browser.current_url
    find(browser, "#name").send_keys("editor")
    find(browser, "#password").send_keys("editor-password")
    page = find(browser, "html")
    find(browser, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))
    assert browser.current_url.endswith("/ledgers/supervision")
    assert "督查督办台帐" in find(browser, "h1").text


def fill_supervision(browser, content: str, progress: str) -> None:
    browser.get(server_url(browser) + "/ledgers/supervision/new")
    find(browser, "#content").send_keys(content)
    Select(find(browser, "#source")).select_by_visible_text("领导批示件")
    Select(find(browser, "#unit")).select_by_visible_text("区住建局")
    find(browser, "#leader").send_keys("王副区长")
    set_value(browser, "#deadline", "2030-06-30")
    find(browser, "input[name=status][value=立项]").click()
    find(browser, "#progress").clear()
    find(browser, "#progress").send_keys(progress)


def server_url(browser) -> str:
    return "/".join(browser.current_url.split("/")[:3])


def test_create_supervision_item(browser):
    fill_supervision(browser, "落实老旧小区加装电梯工作", "30")
    submit(browser)
    assert "/entries/" in browser.current_url
    assert "已新建记录" in find(browser, ".flash").text
    assert "落实老旧小区加装电梯工作" in find(browser, ".values").text


def test_invalid_item_shows_chinese_message_beside_field(browser):
    fill_supervision(browser, "", "150")
    submit(browser)
    assert "/new" in browser.current_url
    assert "尚未保存" in find(browser, "#error-summary").text
    assert find(browser, "#content-error").text.endswith("必填")
    assert "不能大于 100" in find(browser, "#progress-error").text
    assert find(browser, "#progress").get_attribute("aria-invalid") == "true"
    # what the user typed is still there
    assert find(browser, "#progress").get_attribute("value") == "150"
    assert find(browser, "#leader").get_attribute("value") == "王副区长"
    assert Select(find(browser, "#unit")).first_selected_option.text == "区住建局"
    assert find(browser, "input[name=status][value=立项]").is_selected()
    assert find(browser, "#deadline").get_attribute("value") == "2030-06-30"
    browser.save_screenshot(str(ARTIFACTS / "form-errors.png"))


def test_reception_plan_with_two_itinerary_rows(browser):
    browser.get(server_url(browser) + "/ledgers/receptions/new")
    find(browser, "#guest").send_keys("市发改委考察组")
    find(browser, "input[name=visit_type][value=考察]").click()
    set_value(browser, "#arrival_on", "2030-05-12")
    table = find(browser, "#itinerary")
    table.find_element(By.CSS_SELECTOR, "[data-remove-row]").click()  # drop the spare empty row
    assert not table.find_elements(By.CSS_SELECTOR, "[data-rows] > tr")
    add = table.find_element(By.CSS_SELECTOR, "[data-add-row]")
    add.click()
    add.click()
    rows = table.find_elements(By.CSS_SELECTOR, "[data-rows] > tr")
    assert len(rows) == 2
    for row, (time, place, content) in zip(rows, [("09:00", "高新区产业园", "参观企业"),
                                                 ("14:30", "区政府会议室", "座谈交流")]):
        row.find_element(By.CSS_SELECTOR, "input[name$='-time']").send_keys(time)
        row.find_element(By.CSS_SELECTOR, "input[name$='-place']").send_keys(place)
        row.find_element(By.CSS_SELECTOR, "input[name$='-content']").send_keys(content)
    submit(browser)
    assert "/entries/" in browser.current_url, find(browser, "main").text[:500]
    values = find(browser, ".values").text
    assert "高新区产业园" in values and "区政府会议室" in values


def test_edit_entry_and_see_change_in_history(browser):
    browser.get(server_url(browser) + "/ledgers/supervision?_q=加装电梯")
    find(browser, ".entry-list tbody a").click()
    WebDriverWait(browser, 10).until(lambda d: "/entries/" in d.current_url)
    find(browser, ".page-head .actions a[href$='/edit']").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/edit"))
    progress = find(browser, "#progress")
    assert progress.get_attribute("value") == "30"
    progress.clear()
    progress.send_keys("75")
    submit(browser)
    assert "已保存" in find(browser, ".flash").text
    history = find(browser, ".history")
    latest = history.find_element(By.CSS_SELECTOR, ".revisions > li")
    assert "editor" in latest.text and "修改" in latest.text
    assert "进度(%)" in latest.text and "30" in latest.text and "75" in latest.text
    browser.execute_script("arguments[0].scrollIntoView()", history)
    browser.save_screenshot(str(ARTIFACTS / "entry-history.png"))


def test_filter_and_sort_the_list(browser):
    browser.get(server_url(browser) + "/ledgers/supervision")
    assert browser.find_elements(By.CSS_SELECTOR, "tr.overdue")  # 清理河道垃圾 is past its deadline
    browser.find_element(By.XPATH, "//details[contains(@class, 'multi-select')][.//input[@name='unit__in']]/summary").click()
    find(browser, "input[name=unit__in][value='城关街道']").click()
    page = find(browser, "html")
    find(browser, ".filters button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))
    rows = browser.find_elements(By.CSS_SELECTOR, ".entry-list tbody tr")
    assert len(rows) == 2 and all("城关街道" in r.text for r in rows)
    header = browser.find_element(By.XPATH, "//th[.//a[contains(., '完成时限')]]")
    header.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 5).until(lambda d: "_sort=deadline" in d.current_url)
    header = browser.find_element(By.XPATH, "//th[.//a[contains(., '完成时限')]]")
    assert header.get_attribute("aria-sort") == "ascending"
    texts = [r.text for r in browser.find_elements(By.CSS_SELECTOR, ".entry-list tbody tr")]
    assert "清理河道垃圾" in texts[0] and "更换路灯" in texts[1]  # 2020-03-01 before 2030-04-01
    assert "unit__in=" in browser.current_url  # the filter survives sorting
    browser.save_screenshot(str(ARTIFACTS / "list.png"))


def test_take_a_workflow_step_and_add_a_progress_note(browser):
    browser.get(server_url(browser) + "/ledgers/supervision?_q=修缮文化站")
    find(browser, ".entry-list tbody a").click()
    WebDriverWait(browser, 10).until(lambda d: "/entries/" in d.current_url)
    assert find(browser, "h1").text.startswith("督查督办台帐 · 督〔")
    steps = browser.find_elements(By.CSS_SELECTOR, ".workflow-steps button")
    assert [b.text for b in steps] == ["开始办理"]  # 交办 → 办理中; the editor may take it
    wait_new_page(browser, steps[0].click)
    assert "办理中" in find(browser, ".flash").text
    assert "交办 → 办理中（开始办理）" in find(browser, ".history").text
    assert [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".workflow-steps button")] == ["办结"]
    find(browser, "#note-text").send_keys("已完成屋面防水")
    wait_new_page(browser, find(browser, ".note-form button[type=submit]").click)
    assert "已添加进展" in find(browser, "main").text
    timeline = find(browser, ".timeline .notes")
    assert "已完成屋面防水" in timeline.text and "editor" in timeline.text
    browser.execute_script("arguments[0].scrollIntoView()", timeline)
    browser.save_screenshot(str(ARTIFACTS / "entry-workflow.png"))
