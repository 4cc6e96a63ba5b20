"""The list page as printed: which filters chose its rows and when it was printed (local time);
the overdue list's 超期天数; the bulletin page's Word button."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import web.pages
import web.printing
from core import settings


def print_meta(html: str) -> str:
    match = re.search(r'<p class="print-only print-meta">(.*?)</p>', html, re.S)
    assert match, "no print-only line on the list page"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_the_printed_list_names_its_filters_and_time(login, client, supervision_entry, monkeypatch):
    moment = dt.datetime(2026, 12, 3, 15, 40, tzinfo=dt.timezone.utc)  # 23:40 in Asia/Shanghai
    monkeypatch.setattr(web.printing, "printed_at", lambda: web.printing.moment_text(moment))
    supervision_entry(content="河道清淤", status="办理中")
    login("viewer")
    html = client.get("/ledgers/supervision?status__in=交办,办理中&_q=河道&unit__contains=住建&_sort=-deadline").text
    meta = print_meta(html)
    assert "状态为以下之一：交办、办理中" in meta and "搜索“河道”" in meta and "承办单位包含 住建" in meta
    assert "排序：完成时限（降序）" in meta
    assert "打印时间：2026-12-03 23:40" in meta


def test_printed_time_is_in_the_configured_zone(monkeypatch):
    moment = dt.datetime(2026, 12, 3, 15, 40, tzinfo=dt.timezone.utc)
    assert web.printing.moment_text(moment) == "2026-12-03 23:40"
    settings.set_timezone("Europe/London")
    try:
        assert web.printing.moment_text(moment) == "2026-12-03 15:40"
    finally:
        settings.set_timezone(settings.DEFAULT_TIMEZONE)


def test_an_unfiltered_list_says_so(login, client, supervision_entry):
    login("viewer")
    meta = print_meta(client.get("/ledgers/supervision").text)
    assert "筛选条件：无（全部记录）" in meta and "打印时间：" in meta


def test_print_only_lines_show_on_paper_only(client, login):
    login("viewer")
    assert ".print-only { display: none; }" in client.get("/static/css/app.css").text
    assert ".print-only { display: block !important; }" in client.get("/static/css/print.css").text


def test_the_overdue_list_has_days_overdue(login, client, supervision_entry, monkeypatch):
    today = dt.date(2026, 11, 25)
    monkeypatch.setattr(web.pages, "local_today", lambda: today)
    late = supervision_entry(content="老旧小区改造", deadline="2026-03-31", status="办理中")
    login("viewer")
    html = client.get("/ledgers/supervision?_due=overdue").text
    assert "超期天数" in html and "超期" in print_meta(html)
    cell = re.search(r'<td class="num overdue-days"[^>]*>(.*?)</td>', html).group(1)
    assert cell == str((today - dt.date(2026, 3, 31)).days) and late["id"]
    assert "超期天数" not in client.get("/ledgers/supervision").text   # only on the overdue list


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_the_bulletin_page_offers_the_word_file(login, client, role):
    login(role)
    html = client.get("/ledgers/supervision/bulletin?no=3").text
    assert 'formaction="/api/v1/ledgers/supervision/bulletin.docx"' in html and "下载 Word" in html
