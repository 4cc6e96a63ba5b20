"""Index, list (filters, search, sort, paging, overdue, export link), entry page and error pages."""
from __future__ import annotations

import html
import re

from core.entries import store
from core.access.policy import SYSTEM


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr[ >].*?</tr>", body, re.S)


def test_index_lists_ledgers_with_counts(login, client, supervision_entry):
    supervision_entry()
    supervision_entry()
    login("viewer")
    page = client.get("/")
    assert page.status_code == 200
    for title in ("督查督办台帐", "应急预案台帐", "固定资产台帐", "维修台帐", "接待预案台帐"):
        assert title in page.text
    assert "共 2 条记录" in page.text
    assert "新建" not in page.text  # a viewer gets no write controls


def test_list_shows_columns_and_entries(login, client, supervision_entry):
    supervision_entry(content="<script>alert(1)</script>")
    login("editor")
    page = client.get("/ledgers/supervision")
    assert page.status_code == 200
    for title in ("工作内容", "来源", "承办单位", "完成时限", "状态", "进度(%)"):
        assert title in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
    assert "新建记录" in page.text and "/ledgers/supervision/new" in page.text
    assert "共 1 条记录" in page.text


def test_list_filters_search_and_sort(login, client, supervision_entry):
    supervision_entry(content="甲项目", unit="区财政局", deadline="2030-01-10")
    supervision_entry(content="乙项目", unit="区住建局", deadline="2030-03-10")
    supervision_entry(content="丙项目", unit="区住建局", deadline="2030-02-10")
    login("viewer")
    page = client.get("/ledgers/supervision?unit=区住建局&status=")
    assert len(rows(page.text)) == 2 and "甲项目" not in page.text
    assert 'name="unit__in" value="区住建局" checked>' in page.text
    page = client.get("/ledgers/supervision?_q=乙")
    assert len(rows(page.text)) == 1 and "乙项目" in page.text
    page = client.get("/ledgers/supervision?deadline__gte=2030-02-01&deadline__lte=2030-02-28")
    assert len(rows(page.text)) == 1 and "丙项目" in page.text
    ascending = client.get("/ledgers/supervision?_sort=deadline").text
    assert ascending.index("甲项目") < ascending.index("丙项目") < ascending.index("乙项目")
    assert 'aria-sort="ascending"' in ascending
    assert "_sort=-deadline" in ascending  # the header link now sorts the other way
    descending = client.get("/ledgers/supervision?_sort=-deadline").text
    assert descending.index("乙项目") < descending.index("丙项目") < descending.index("甲项目")


def test_list_pagination_shows_total(login, client, db):
    for i in range(7):
        store.create_entry(db, SYSTEM, "supervision", {"content": f"事项{i}", "source": "专题会议纪要",
                                                        "unit": "区住建局", "deadline": f"2030-01-1{i}",
                                                        "status": "立项"})
    login("viewer")
    page = client.get("/ledgers/supervision?_size=3&_page=2")
    assert "共 7 条记录" in page.text and "第 2 / 3 页" in page.text
    assert len(rows(page.text)) == 3
    assert 'aria-current="page">2<' in page.text
    assert "_page=3" in page.text and "_page=1" in page.text


def test_the_pager_keeps_the_filters_and_order_in_its_links(login, client, db):
    for i in range(5):
        store.create_entry(db, SYSTEM, "supervision", {"content": f"事项{i}", "source": "专题会议纪要",
                                                        "unit": "区住建局", "deadline": f"2030-01-1{i}",
                                                        "status": "立项"})
    login("viewer")
    html = client.get("/ledgers/supervision?status=立项&_sort=-deadline&_size=2&_page=2").text
    pager = html[html.index('<nav class="pager"'):]
    pager = pager[:pager.index("</nav>")]
    links = [a.split('"')[0].replace("&amp;", "&") for a in pager.split('href="')[1:]]
    assert len(links) == 4 and 'rel="prev"' in pager and 'rel="next"' in pager  # prev, 1, 3, next
    for link, number in zip(links, (1, 1, 3, 3)):
        assert f"_page={number}" in link and "_sort=-deadline" in link and "_size=2" in link
        assert "status=%E7%AB%8B%E9%A1%B9" in link or "status=立项" in link


def test_overdue_rows_are_highlighted(login, client, supervision_entry):
    late = supervision_entry(content="超期事项", deadline="2020-01-01", status="办理中")
    supervision_entry(content="已办结事项", deadline="2020-01-01", status="已办结")
    supervision_entry(content="未到期事项", deadline="2099-01-01", status="办理中")
    login("viewer")
    found = rows(client.get("/ledgers/supervision").text)
    overdue = [r for r in found if 'class="overdue"' in r]
    assert len(overdue) == 1 and "超期事项" in overdue[0] and f">{late['number']}<" in overdue[0]
    assert "超期" in overdue[0]


def test_export_link_keeps_filters_and_drops_the_page(login, client):
    login("viewer")
    page = client.get("/ledgers/supervision?unit=区住建局&_page=1").text
    assert "导出 CSV" in page
    link = re.search(r'href="([^"]*export\.csv[^"]*)"', page)
    assert link, "the list page has no CSV export link"
    href = html.unescape(link.group(1))
    assert href.startswith("/api/v1/ledgers/supervision/export.csv?")
    assert "unit=" in href and "_page" not in href
    assert client.get(href).status_code == 200


def test_bad_filter_value_is_a_400_page(login, client):
    login("viewer")
    response = client.get("/ledgers/supervision?deadline=notadate")
    assert response.status_code == 400
    assert "完成时限" in response.text and "Traceback" not in response.text


def test_unknown_ledger_and_entry_are_404_pages(login, client, supervision_entry):
    login("viewer")
    for url in ("/ledgers/nope", "/ledgers/nope/new", "/ledgers/supervision/entries/999999",
                "/ledgers/supervision/entries/abc", "/ledgers/supervision/entries/99999999999999999999999",
                "/ledgers/supervision/entries/999/edit", "/no/such/page"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.text and "返回台帐首页" in response.text
        assert response.mimetype == "text/html"


def test_api_paths_still_answer_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.is_json


def test_entry_page_shows_values_and_history(login, client, db, supervision_entry):
    entry = supervision_entry(progress=20, co_units=["城关街道", "区财政局"])
    store.update_entry(db, SYSTEM, "supervision", entry["id"], {**entry["data"], "progress": 60}, 1, source="web")
    login("viewer")
    page = client.get(f"/ledgers/supervision/entries/{entry['id']}")
    assert page.status_code == 200
    assert "完成老旧小区改造立项" in page.text and "城关街道、区财政局" in page.text
    assert "修改记录" in page.text
    history = page.text.split("修改记录", 1)[1]
    assert "进度(%)" in history and ">20<" in history and ">60<" in history
    assert "system" in history and "修改" in history and "新建" in history
    assert "编辑" not in page.text.split("修改记录")[0].split("</h1>")[1][:400]


def test_entry_page_shows_child_table(login, client, db):
    entry = store.create_entry(db, SYSTEM, "receptions", {
        "guest": "考察组", "visit_type": "考察", "arrival_on": "2030-05-01", "status": "筹备中",
        "itinerary": [{"time": "09:00", "place": "产业园", "content": "参观"}]})
    login("viewer")
    page = client.get(f"/ledgers/receptions/entries/{entry['id']}").text
    assert "行程安排" in page and "产业园" in page and "09:00" in page


def test_query_parameter_named_like_a_url_part_does_not_break_links(login, client):
    login("viewer")
    response = client.get("/ledgers/supervision?key=x&_sort=deadline")
    assert response.status_code == 400  # 'key' is no field of this ledger: a clean 400 page
    assert "未知字段" in response.text


def test_money_is_shown_with_thousands_separators_and_cents(login, client, db):
    entry = store.create_entry(db, SYSTEM, "fixed_assets", {
        "asset_no": "CL-2026-0001", "name": "公务用车", "asset_class": "车辆", "original_value": 1234567.8})
    login("viewer")
    listed = [r for r in rows(client.get("/ledgers/fixed_assets").text) if "CL-2026-0001" in r]
    assert len(listed) == 1 and "1,234,567.80" in listed[0]
    page = client.get(f"/ledgers/fixed_assets/entries/{entry['id']}").text
    assert "1,234,567.80" in page and "1234567.8" not in page
