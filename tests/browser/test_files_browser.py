"""Attachments in real headless Chromium: an editor of 区住建局 attaches a PDF and two photos to a
supervision item of that unit through the form, saves and sees the thumbnails; a viewer of the
unit opens the PDF in the browser; an editor of another unit is told the file does not exist."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

import demo
from core.access import accounts
from core.access import rules as permissions
from core.access import units
from core.access.policy import SYSTEM
from core.entries import store
from demo.files import pdf, png
from tests.browser.support import chrome, find, live_server, log_in, wait_new_page  # noqa: E402 - skips without Chromium
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.browser
FOLDER = Path(tempfile.mkdtemp(prefix="ledger-files-browser-"))
ENTRY: dict[str, int] = {}
RULES = [{"role": "editor", "actions": ["read", "create", "edit", "delete", "export"], "scope": "unit"},
         {"role": "viewer", "actions": ["read", "export"], "scope": "unit"}]


def fill(db) -> None:
    units.create_unit(db, SYSTEM, "zhujian", "区住建局")
    units.create_unit(db, SYSTEM, "caizheng", "区财政局")
    accounts.create_user(db, "builder", "editor", "builder-password", unit="zhujian")
    accounts.create_user(db, "reader", "viewer", "reader-password", unit="zhujian")
    accounts.create_user(db, "finance", "editor", "finance-password", unit="caizheng")
    permissions.set_permissions(db, SYSTEM, "supervision", {"rules": RULES})
    item = {**demo.demo_entries("supervision")[0], "unit": "区住建局"}
    ENTRY["id"] = store.create_entry(db, SYSTEM, "supervision", item)["id"]


@pytest.fixture(scope="module")
def server():
    with live_server("files", fill, FILES_DIR=str(FOLDER / "store")) as url:
        yield url
    shutil.rmtree(FOLDER, ignore_errors=True)


@pytest.fixture
def browser():
    with chrome() as driver:
        yield driver


def sample_files() -> list[Path]:
    made = {"批示件.pdf": pdf("Instruction - sample"), "现场一.png": png(40, 30, (200, 120, 80)),
            "现场二.png": png(30, 40, (80, 120, 200))}
    for name, data in made.items():
        (FOLDER / name).write_bytes(data)
    return [FOLDER / name for name in made]


def fetch_status(browser, url: str) -> list:
    """[status, content type, disposition] of a GET from the page (the session's cookies)."""
    return browser.execute_async_script(
        "var done = arguments[1]; fetch(arguments[0]).then(function (r) {"
        " done([r.status, r.headers.get('content-type'), r.headers.get('content-disposition')]); });", url)


def test_attach_see_thumbnails_open_the_pdf_and_another_unit_gets_404(server, browser):
    log_in(browser, server, "builder", "builder-password")
    browser.get(f"{server}/ledgers/supervision/entries/{ENTRY['id']}/edit")
    chooser = find(browser, "input[type=file][name=instruction_scans__upload]")
    chooser.send_keys("\n".join(str(p) for p in sample_files()))
    wait_new_page(browser, lambda: find(browser, "form.entry-form button[type=submit]").click())
    assert f"/entries/{ENTRY['id']}" in browser.current_url
    thumbs = browser.find_elements(By.CSS_SELECTOR, "img.thumb")
    assert len(thumbs) == 2
    assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", t) for t in thumbs)
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".file-list a") if a.text}
    assert set(links) == {"批示件.pdf", "现场一.png", "现场二.png"}
    assert "builder" in find(browser, ".kind-file").text
    pdf_url = links["批示件.pdf"]

    browser.delete_all_cookies()  # signed out: the next user signs in afresh
    log_in(browser, server, "reader", "reader-password")
    status, media, disposition = fetch_status(browser, pdf_url)
    assert (status, media) == (200, "application/pdf") and disposition.startswith("inline")
    browser.get(pdf_url)  # the browser's own viewer opens it, no download
    assert browser.current_url == pdf_url

    browser.delete_all_cookies()
    log_in(browser, server, "finance", "finance-password")
    assert fetch_status(browser, pdf_url)[0] == 404
    browser.get(f"{server}/ledgers/supervision/entries/{ENTRY['id']}")
    assert "批示件.pdf" not in browser.page_source
