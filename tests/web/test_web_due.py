"""Issue 10 on the pages: deadline counts on the index, quick filters, the `_due` default sort,
multi-value choice filters, both export formats, out-of-range pages and the viewer's import."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

from core.settings import local_today
from tests.web.test_web_pages import rows


def day(offset: int) -> str:
    return (local_today() + dt.timedelta(days=offset)).isoformat()


def fill(supervision_entry):
    supervision_entry(content="超期甲", deadline=day(-5), status="办理中")
    supervision_entry(content="超期乙", deadline=day(-1), status="交办")
    supervision_entry(content="已办结丙", deadline=day(-9), status="已办结")
    supervision_entry(content="将到期丁", deadline=day(3), status="立项")
    supervision_entry(content="远期戊", deadline=day(40), status="办理中")


def test_index_counts_open_overdue_and_soon_with_links(login, client, supervision_entry):
    fill(supervision_entry)
    page = html.unescape(login("viewer").get("/").text)
    card = page.split("督查督办台帐", 1)[1].split("</article>", 1)[0]
    assert "共 5 条记录" in card
    assert re.search(r"_due=open\"><strong>4</strong> 未办结", card)
    assert re.search(r"_due=overdue\"><strong>2</strong> 超期", card)
    assert re.search(r"_due=soon\"><strong>1</strong> 7 天内到期", card)
    other = page.split("固定资产台帐", 1)[1].split("</article>", 1)[0]
    assert "_due=" not in other  # no overdue rule, no deadline figures


def test_quick_filters_list_what_the_counts_say(login, client, supervision_entry):
    fill(supervision_entry)
    login("viewer")
    page = client.get("/ledgers/supervision?_due=overdue")
    assert page.status_code == 200
    found = rows(page.text)
    assert len(found) == 2 and all('class="overdue"' in r for r in found)
    assert 'aria-current="true">超期<' in page.text
    assert 'name="_due" value="overdue"' in page.text  # the filter form keeps the quick filter
    assert len(rows(client.get("/ledgers/supervision?_due=soon").text)) == 1
    assert len(rows(client.get("/ledgers/supervision?_due=open").text)) == 4


def test_supervision_opens_on_what_needs_attention(login, client, supervision_entry):
    fill(supervision_entry)
    page = login("viewer").get("/ledgers/supervision").text
    order = [name for r in rows(page) for name in ("超期甲", "超期乙", "将到期丁", "远期戊", "已办结丙") if name in r]
    assert order == ["超期甲", "超期乙", "将到期丁", "远期戊", "已办结丙"]
    assert "按期限排序" in page
    exports = re.findall(r'href="([^"]*export\.(?:csv|xlsx)[^"]*)"', page)
    assert len(exports) == 2 and all("_sort=_due" in url for url in exports)


def test_due_on_a_ledger_without_a_rule_is_a_chinese_400(login, client):
    page = login("viewer").get("/ledgers/fixed_assets?_due=overdue")
    assert page.status_code == 400 and "没有设置超期规则" in page.text


def test_several_choices_and_their_exclusion(login, client, supervision_entry):
    fill(supervision_entry)
    login("viewer")
    page = client.get("/ledgers/supervision?status__in=交办&status__in=办理中")
    assert {n for r in rows(page.text) for n in ("超期甲", "超期乙", "远期戊") if n in r} == {"超期甲", "超期乙", "远期戊"}
    assert len(rows(page.text)) == 3
    assert 'value="交办" checked>' in page.text and 'value="办理中" checked>' in page.text
    assert 'value="已办结" checked>' not in page.text
    assert "status__in=%E4%BA%A4%E5%8A%9E,%E5%8A%9E%E7%90%86%E4%B8%AD" in page.text.replace("%2C", ",")
    hand_written = client.get("/ledgers/supervision?status__in=交办,办理中")
    assert len(rows(hand_written.text)) == 3 and 'value="交办" checked>' in hand_written.text

    excluded = client.get("/ledgers/supervision?status__in=已办结&status__in=立项&_not=status")
    assert len(rows(excluded.text)) == 3 and "已办结丙" not in excluded.text
    assert 'name="_not" value="status" checked>' in excluded.text
    assert "除 立项、已办结" in html.unescape(excluded.text)
    one = client.get("/ledgers/supervision?status__in=已办结&_not=status")
    assert len(rows(one.text)) == 4 and "status__ne=" in one.text  # one excluded choice is ne


def test_list_offers_csv_and_xlsx(login, client, supervision_entry):
    supervision_entry()
    page = login("viewer").get("/ledgers/supervision?unit__in=区住建局").text
    assert "导出 Excel" in page and "导出 CSV" in page
    assert "/api/v1/ledgers/supervision/export.xlsx?" in page and "/api/v1/ledgers/supervision/export.csv?" in page


def test_a_page_past_the_end_goes_to_the_last_page(login, client, supervision_entry):
    for i in range(5):
        supervision_entry(content=f"事项{i}")
    login("viewer")
    response = client.get("/ledgers/supervision?_size=2&_page=9&unit=区住建局")
    assert response.status_code == 302
    assert "_page=3" in response.location and "unit=" in response.location
    page = client.get(response.location).text
    assert "第 9 页不存在（共 3 页），已转到最后一页" in page and "第 3 / 3 页" in page
    assert client.get("/ledgers/supervision?_page=9").location.endswith("/ledgers/supervision")


def test_a_viewer_gets_the_403_page_on_import_and_no_link(login, client, csrf):
    login("viewer")
    assert "/ledgers/repairs/import" not in client.get("/ledgers/repairs").text
    page = client.get("/ledgers/repairs/import")
    assert page.status_code == 403 and "没有权限" in page.text and "<form" not in page.text.split("<main", 1)[1]
    token = csrf(client.get("/").text)  # the logout form's
    body = {"csrf_token": token, "file": (io.BytesIO(b"a,b\r\n"), "x.csv")}
    posted = client.post("/ledgers/repairs/import", data=body, content_type="multipart/form-data")
    assert posted.status_code == 403 and "没有权限" in posted.text and "<html" in posted.text
    body = {"csrf_token": token, "file": (io.BytesIO(b"a,b\r\n"), "x.csv")}
    xhr = client.post("/ledgers/repairs/import", data=body, content_type="multipart/form-data",
                      headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"})
    assert xhr.status_code == 403 and xhr.get_json()["error"] == "没有权限导入"


def test_the_page_the_api_and_the_export_open_on_one_default_order(login, client, supervision_entry):
    """No sort chosen: the definition's one default (the shipped supervision ledger declares
    `list.sort = "_due"`: overdue first) is the list page's, the API's and the export's order."""
    fill(supervision_entry)
    login("viewer")
    names = ("超期甲", "超期乙", "将到期丁", "远期戊", "已办结丙")
    page = [name for r in rows(client.get("/ledgers/supervision").text) for name in names if name in r]
    api = [e["data"]["content"] for e in client.get("/api/v1/ledgers/supervision/entries").get_json()["items"]]
    export = [r["content"] for r in
              csv.DictReader(io.StringIO(client.get("/api/v1/ledgers/supervision/export.csv?header=key").text))]
    assert page == api == export == ["超期甲", "超期乙", "将到期丁", "远期戊", "已办结丙"]


def test_a_declared_field_sort_is_the_default_of_the_page_and_the_api_alike(login, client, db,
                                                                          supervision_entry):
    from core.ledgers import versions
    from core.access.policy import SYSTEM
    from tests.conftest import shipped
    document = shipped("supervision")
    document["x-ledger"]["list"]["sort"] = "-deadline"
    versions.save_definition(db, SYSTEM, document)
    fill(supervision_entry)
    login("viewer")
    names = ("超期甲", "超期乙", "将到期丁", "远期戊", "已办结丙")
    page_html = client.get("/ledgers/supervision").text
    page = [name for r in rows(page_html) for name in names if name in r]
    api = [e["data"]["content"] for e in client.get("/api/v1/ledgers/supervision/entries").get_json()["items"]]
    assert page == api == ["远期戊", "将到期丁", "超期乙", "超期甲", "已办结丙"]
    assert "按期限排序" not in page_html
