"""The supervision bulletin page (督查通报): title block, figures, overdue items, the period form."""
from __future__ import annotations

import datetime as dt
import re

import pytest

import web.pages


@pytest.fixture
def today(monkeypatch):
    day = dt.date(2026, 11, 25)
    monkeypatch.setattr(web.pages, "local_today", lambda: day)
    return day


def cells(html: str, css_class: str) -> list[list[str]]:
    table = html.split(f'class="bulletin-table {css_class}"', 1)[1].split("</table>", 1)[0] if css_class \
        else html.split('class="bulletin-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[ >].*?</tr>", body, re.S)]


def test_bulletin_page(login, client, supervision_entry, today):
    supervision_entry(content="老旧小区改造", unit="区住建局", deadline="2026-03-31", status="办理中",
                      leader="张建国（副区长）")
    supervision_entry(content="<b>河道清淤</b>", unit="区水利局", deadline="2026-05-10", status="交办")
    supervision_entry(content="学校扩建", unit="区住建局", deadline="2026-02-28", status="已办结",
                      completed_on="2026-02-20")
    supervision_entry(content="不在本期", unit="区住建局", deadline="2026-08-01", status="办理中")
    login("viewer")
    page = client.get("/ledgers/supervision/bulletin?from=2026-01-01&to=2026-06-30&no=7&office=区政府督查室")
    assert page.status_code == 200, page.text
    text = page.text
    assert "督查通报" in text and "第 7 期" in text and "区政府督查室" in text
    assert "2026年11月25日" in text                       # the date line, today in the configured zone
    assert "2026年1月1日至2026年6月30日" in text
    assert "共 3 件，已办结 1 件，办结率 33.3%" in text
    assert cells(text, "") == [["区住建局", "2", "1", "1", "50.0%", "100.0%"],
                               ["区水利局", "1", "0", "1", "0.0%", "—"]]
    overdue = cells(text, "overdue-items")
    assert [row[1] for row in overdue] == ["老旧小区改造", "&lt;b&gt;河道清淤&lt;/b&gt;"]  # most overdue first
    assert overdue[0][3] == "张建国（副区长）" and overdue[0][4] == "2026-03-31"
    assert overdue[0][5] == str((today - dt.date(2026, 3, 31)).days)
    assert "&lt;b&gt;河道清淤&lt;/b&gt;" in text          # values are escaped
    assert "data-print" in text and "打印 / 存为 PDF" in text
    assert "<script>" not in text.split("<body>", 1)[1].replace('<script src=', "")  # no inline script


def test_default_period_is_the_current_half_year(login, client, today):
    login("viewer")
    page = client.get("/ledgers/supervision/bulletin")
    assert page.status_code == 200
    assert 'name="from" value="2026-07-01"' in page.text and 'name="to" value="2026-12-31"' in page.text
    assert "区政府办公室" in page.text and "期</p>" not in page.text   # no number line without ?no=
    assert "本期没有事项" in page.text


@pytest.mark.parametrize("query, message", [
    ("from=2026-07-01&to=2026-01-01", "开始日期不能晚于结束日期"),
    ("from=2026-02-30&to=2026-06-30", "开始日期应为日期"),
    ("from=2026-01-01&to=2026-06-30&no=abc", "期数应为 1 到 9999 之间的整数"),
    ("from=2026-01-01&to=2026-06-30&no=99999999999999999999999", "期数应为"),
    ("from=2026-01-01&to=2026-06-30&office=" + "办" * 41, "发文单位不能超过 40 个字"),
])
def test_bad_parameters_are_a_400_in_chinese(login, client, today, query, message):
    login("viewer")
    page = client.get("/ledgers/supervision/bulletin?" + query)
    assert page.status_code == 400 and message in page.text


def test_ledgers_without_a_bulletin(login, client):
    login("viewer")
    assert client.get("/ledgers/repairs/bulletin").status_code == 404
    assert "/bulletin" not in client.get("/ledgers/repairs").text
    assert client.get("/ledgers/nothing/bulletin").status_code == 404


def test_list_links_the_bulletin_and_labels_cells(login, client, supervision_entry):
    supervision_entry()
    login("viewer")
    page = client.get("/ledgers/supervision").text
    assert 'href="/ledgers/supervision/bulletin"' in page
    assert 'data-label="承办单位"' in page and 'data-label="完成时限"' in page
    assert '<details class="filter-fold" data-fold open>' in page


def test_login_required(client):
    assert client.get("/ledgers/supervision/bulletin").status_code == 302


def test_print_stylesheet_is_linked(login, client):
    login("viewer")
    page = client.get("/").text
    assert 'href="/static/css/print.css" media="print"' in page
    css = client.get("/static/css/print.css").text
    assert "thead { display: table-header-group; }" in css and "size: A4" in css


@pytest.mark.parametrize("number", ["²", "١", "７", "+7", "7_0"])
def test_bulletin_issue_number_is_plain_digits(login, client, number):
    login("viewer")
    page = client.get("/ledgers/supervision/bulletin", query_string={"no": number})
    assert page.status_code == 400 and "期数应为" in page.text, (number, page.status_code)
