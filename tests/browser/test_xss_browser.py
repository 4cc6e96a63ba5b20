"""Script payloads in every place a person can type, every page opened in real headless Chromium:
no script runs. Each payload would set `window.__xss`, change `document.title`, open an alert or
leave an element with an event handler; the pages are opened twice, once with the CSP switched
off (Page.setBypassCSP: escaping alone must stop them) and once with it on (the console must show
no CSP violation, i.e. the policy never had anything to block)."""
from __future__ import annotations

import copy
import json

import pytest

from core.access import accounts
from core.access import rules as permissions
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access import units
from core.access.policy import SYSTEM
from tests.conftest import shipped
from tests.browser.support import chrome, find, live_server, signed_in, wait_new_page  # noqa: E402 - skips without Chromium
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__xss='script'</script>",
    '<img src=x onerror="window.__xss=\'img\'">',
    '"><svg onload="window.__xss=\'svg\'">',
    "'><svg/onload=window.__xss='svg2'>",
    "</textarea><script>window.__xss='textarea'</script>",
    "</title><script>document.title='pwned'</script>",
    "</script><script>window.__xss='json'</script>",
    "<img src=y onerror=alert(1)>",
    "javascript:window.__xss='url'",
    "{{7*7}}${7*7}<%= 7*7 %>",
]
UNITS = [(f"u{i}", f"单位{i}{p}") for i, p in enumerate(PAYLOADS)]


def hostile(text: str, i: int) -> str:
    return f"{text}{PAYLOADS[i % len(PAYLOADS)]}"


def definition() -> dict:
    """The supervision ledger with a payload in every title, description, placeholder, report and
    measure title, workflow label, bulletin title, and as the choices of three fields."""
    document = copy.deepcopy(shipped("supervision"))
    document["title"] = hostile("督查", 0)
    options = document["x-ledger"]
    options.update(key="xss_probe", description=hostile("说明", 1))
    options["bulletin"]["title"] = hostile("通报", 2)
    counter = iter(range(1000))

    def spoil(schema: dict) -> None:
        for name, field in schema.get("properties", {}).items():
            field["title"] = hostile(field.get("title", name), next(counter))
            field["description"] = hostile("帮助", next(counter))
            if field.get("type") == "string" and "enum" not in field and "format" not in field:
                field["examples"] = [hostile("示例", next(counter))]
            if field.get("type") == "array" and field["items"].get("type") == "object":
                spoil(field["items"])
    spoil(document)
    titles = [title for _, title in UNITS]
    document["properties"]["unit"]["enum"] = titles
    document["properties"]["co_units"]["items"]["enum"] = titles
    document["properties"]["handling_class"]["enum"] = [hostile("类", i) for i in range(len(PAYLOADS))]
    document["properties"]["link"] = {"type": "string", "format": "uri", "title": hostile("链接", 8)}
    for step in options["workflow"]["transitions"]:
        step["label"] = hostile(step["label"], next(counter))
    for report in options["reports"]:
        report["title"] = hostile(report["title"], next(counter))
        for measure in report["measures"]:
            measure["title"] = hostile(measure.get("title", "数"), next(counter))
    return document


def entry(i: int, status: str, **more) -> dict:
    data = {"content": hostile("内容", i), "standard": hostile("标准", i + 1), "source": "专题会议纪要",
            "doc_no": hostile("文号", i + 2), "unit": UNITS[i % len(UNITS)][1],
            "co_units": [UNITS[(i + 1) % len(UNITS)][1], UNITS[(i + 2) % len(UNITS)][1]],
            "leader": hostile("领", i + 3)[:50], "assigned_on": "2026-01-05", "deadline": "2026-02-01",
            "status": status, "progress": 100 if status == "已办结" else 50, "handling_class": hostile("类", i),
            "progress_notes": [{"date": "2026-01-10", "note": hostile("进展", i + 4), "reporter": hostile("人", i + 5)},
                               {"date": "2026-01-20", "note": hostile("进展", i + 6), "reporter": "张三"}],
            "remarks": hostile("备注", i + 7), "link": "javascript:window.__xss='url'"}
    return data | more


def fill(db) -> None:
    admin = accounts.create_user(db, "chief", "admin", "chief-password")
    parent = None
    for key, title in UNITS:
        units.create_unit(db, admin, key, title, parent)
        parent = parent or key
    accounts.create_user(db, "clerk", "editor", "clerk-password", unit="u1")
    versions.create_ledger(db, admin, definition())
    ids = [store.create_entry(db, SYSTEM, "xss_probe", entry(i, status, **extra))["id"] for i, (status, extra) in
           enumerate([("已办结", {"completed_on": "2026-01-30"}), ("办理中", {}), ("立项", {}), ("交办", {})])]
    changed = store.update_entry(db, admin, "xss_probe", ids[1], entry(5, "办理中"), 1)
    assert changed["version"] == 2
    permissions.set_permissions(db, admin, "xss_probe", {"rules": [
        {"role": "editor", "actions": ["read", "create", "edit"], "scope": "unit", "unit": "u1"},
        {"role": "viewer", "actions": ["read"], "scope": "all"}]})
    query.list_entries(db, admin, "xss_probe", {"_q": PAYLOADS[1]})
    FOUND["ids"] = ids


FOUND: dict = {}


@pytest.fixture(scope="module")
def server():
    with live_server("xss", fill) as url:
        yield url


def pages(ids: list[int]) -> list[str]:
    base = "/ledgers/xss_probe"
    quoted = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
    listed = [base, f"{base}?_q={quoted}", f"{base}?unit={quoted}", f"{base}?_sort=-deadline&status=办理中",
              f"{base}?handling_class__in={quoted}&_page=1", f"{base}?_due=overdue"]
    entries = [f"{base}/entries/{i}" for i in ids] + [f"{base}/entries/{ids[1]}/edit", f"{base}/entries/{ids[0]}/delete"]
    reports = [f"{base}/reports"] + [f"{base}/reports/{r['key']}" for r in definition()["x-ledger"]["reports"]]
    reports += [f"{base}/reports/by_unit?_q={quoted}"]
    admin = ["/users", "/users/clerk", f"/users?x={quoted}", "/units", f"{base}/permissions", "/audit",
             f"/audit?user={quoted}&ledger={quoted}&action=list"]
    return ["/", *listed, *entries, f"{base}/new", f"{base}/import", *reports, f"{base}/bulletin",
            f"{base}/bulletin?from=2026-01-01&to=2026-12-31", *admin]


def no_alert(browser) -> None:
    try:
        alert = browser.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"an alert opened: {text}")


def no_script_ran(browser, page: str) -> None:
    no_alert(browser)
    state = browser.execute_script(
        "return {xss: window.__xss === undefined ? null : String(window.__xss), title: document.title,"
        " handlers: Array.from(document.querySelectorAll('*')).filter(function (e) {"
        "   return Array.from(e.attributes).some(function (a) { return /^on/i.test(a.name); }); }).length,"
        " scripts: Array.from(document.scripts).filter(function (s) { return !s.src && s.type !== 'application/json'; }).length,"
        " links: Array.from(document.querySelectorAll('[href^=\"javascript:\" i], [src^=\"javascript:\" i]')).length};")
    assert state["xss"] is None, (page, state)
    assert state["title"] != "pwned", (page, state)  # the payload's text may be in it; its effect not
    assert (state["handlers"], state["scripts"], state["links"]) == (0, 0, 0), (page, state)


def hover_chart(browser) -> None:
    """ECharts builds its tooltip as HTML from series names and labels: show it."""
    holders = browser.find_elements(By.CSS_SELECTOR, "#report-chart")
    if not holders:
        return
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "#report-chart").get_attribute("data-ready"))
    chart = holders[0]
    size = chart.size
    actions = ActionChains(browser)
    for x in (0.3, 0.5, 0.7):
        actions.move_to_element_with_offset(chart, int(size["width"] * (x - 0.5)), int(size["height"] * 0.1)).pause(0.2)
    actions.perform()


def add_child_rows_and_submit(browser, server: str, path: str) -> None:
    """The add-row script copies a row template carrying the payload titles; typed payloads go
    back through the server and its error page."""
    browser.get(server + path)
    for button in browser.find_elements(By.CSS_SELECTOR, "[data-add-row]"):
        button.click()
    no_script_ran(browser, path + " (rows added)")
    for i, box in enumerate(browser.find_elements(By.CSS_SELECTOR, "form.entry-form input[type=text], "
                                                                   "form.entry-form textarea")):
        if box.is_displayed() and box.is_enabled():
            box.send_keys(PAYLOADS[i % len(PAYLOADS)])
    wait_new_page(browser, lambda: find(browser, "form.entry-form button[type=submit]").click())
    no_script_ran(browser, path + " (submitted)")


def check_an_import(browser, server: str, folder) -> None:
    """The import page's script shows the server's findings (cells quoted in messages) as text."""
    rows = [",".join(["content", "unit", "handling_class", "leader"])]
    rows += [",".join('"' + p.replace('"', '""') + '"' for p in (PAYLOADS[i], PAYLOADS[i + 1], PAYLOADS[i + 2], "x" * 60))
             for i in range(len(PAYLOADS) - 2)]
    upload = folder / "hostile.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    browser.get(server + "/ledgers/xss_probe/import")
    find(browser, "#import-file").send_keys(str(upload))
    find(browser, "button[name=dry_run][value='1']").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#import-report table td"))
    assert PAYLOADS[1] in find(browser, "#import-report").text or PAYLOADS[2] in find(browser, "#import-report").text
    no_script_ran(browser, "import report")


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "with-csp"])
def test_no_payload_runs_on_any_page(server, bypass_csp, tmp_path):
    with chrome(window="1366,1000", console_logs=True) as browser:
        if bypass_csp:
            browser.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        signed_in(browser, server, "chief")
        opened = 0
        for page in pages(FOUND["ids"]):
            browser.get(server + page)
            assert "Internal Server Error" not in browser.page_source, page
            hover_chart(browser)
            no_script_ran(browser, page)
            opened += 1
        browser.get(server + f"/ledgers/xss_probe/entries/{FOUND['ids'][2]}")
        shown = browser.find_element(By.TAG_NAME, "body").text
        assert PAYLOADS[2] in shown and PAYLOADS[9] in shown, "payloads are shown as the text they are"
        add_child_rows_and_submit(browser, server, f"/ledgers/xss_probe/entries/{FOUND['ids'][2]}/edit")
        add_child_rows_and_submit(browser, server, "/ledgers/xss_probe/new")
        check_an_import(browser, server, tmp_path)
        log = browser.get_log("browser")
        assert opened >= 30
        if not bypass_csp:
            blocked = [e for e in log if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
            assert not blocked, blocked
        errors = [e for e in log if e["level"] == "SEVERE" and "favicon" not in e["message"]
                  and "status of 422" not in e["message"]]  # the forms sent back with their errors
        assert not errors, "\n".join(e["message"] for e in errors)
