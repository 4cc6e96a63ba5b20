"""Report pages: the list of a ledger's reports, a report's table (cross table for two groups),
its chart data block, downloads and the list's filters kept in links."""
from __future__ import annotations

import json
import re

import demo
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM


def fill(db):
    store.create_entries(db, SYSTEM, "emergency_plans", demo.demo_entries("emergency_plans"))
    store.create_entries(db, SYSTEM, "supervision", demo.demo_entries("supervision"))


def test_reports_index_and_links(db, login):
    fill(db)
    client = login("viewer")
    page = client.get("/ledgers/emergency_plans/reports")
    assert page.status_code == 200
    assert "已印发预案按级别和类别统计" in page.text
    assert 'href="/ledgers/emergency_plans/reports/by_level_category"' in page.text
    assert "/ledgers/emergency_plans/reports" in client.get("/ledgers/emergency_plans").text
    assert "/ledgers/supervision/reports" in client.get("/").text


def test_cross_table_page(db, login):
    fill(db)
    page = login("viewer").get("/ledgers/emergency_plans/reports/by_level_category").text
    table = page[page.index('<table class="report-table cross"'):page.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    header = re.findall(r"<th[^>]*>(.*?)</th>", rows[0])
    assert header[1:] == ["综合", "自然灾害", "事故灾难", "公共卫生事件", "社会安全事件", "合计"]

    def cells(level):
        row = next(r for r in rows if f">{level}</th>" in r)
        return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells("区级总体") == ["1", "", "", "", "", "1"]
    assert cells("区级专项") == ["", "5", "5", "", "1", "11"]
    assert "<tfoot>" in table
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1))
    assert data["chart"] == "stacked_bar" and data["totals"]["all"]["plans"] == 34
    assert "vendor/echarts/echarts.min.js" in page and "js/report.js" in page
    assert "css/reports.css" in page


def test_filters_apply_and_links_keep_them(db, login):
    fill(db)
    client = login("viewer")
    page = client.get("/ledgers/supervision/reports/by_unit?status=已办结&_page=2").text
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1))
    done = [e for e in demo.demo_entries("supervision") if e["status"] == "已办结"]
    assert data["totals"]["all"]["total"] == len(done)
    assert "/api/v1/ledgers/supervision/reports/by_unit.csv?status=" in page
    assert "/api/v1/ledgers/supervision/reports/by_unit.xlsx?status=" in page
    assert "_page" not in page.split('id="report-data"')[0].split("下载 CSV")[0].split("<main")[1]
    listing = client.get("/ledgers/supervision?status=已办结").text
    assert "/ledgers/supervision/reports?status=" in listing
    assert "办结率" in page and "%" in page


def test_csv_link_works_with_the_session(db, login):
    fill(db)
    client = login("viewer")
    response = client.get("/api/v1/ledgers/supervision/reports/by_unit.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")


def test_unknown_report_page_is_404_and_bad_filter_400(db, login):
    client = login("viewer")
    assert client.get("/ledgers/supervision/reports/nope").status_code == 404
    assert client.get("/ledgers/nope/reports").status_code == 404
    assert client.get("/ledgers/supervision/reports/by_unit?deadline__gt=明天").status_code == 400


def test_table_report_has_no_chart_and_needs_login(db, client, login):
    assert client.get("/ledgers/supervision/reports/by_unit").status_code == 302
    fill(db)
    client = login("viewer")
    page = client.get("/ledgers/supervision/reports/by_status").text
    assert 'id="report-chart"' in page  # pie
    versions.save_definition(db, SYSTEM, {"title": "表", "type": "object",
                                       "properties": {"k": {"type": "string", "title": "类", "enum": ["a"]}},
                                       "x-ledger": {"key": "t", "reports": [
                                           {"key": "r", "title": "只看表", "group_by": ["k"], "chart": "table",
                                            "measures": [{"fn": "count"}]}]}})
    store.create_entry(db, SYSTEM, "t", {"k": "a"})
    page = client.get("/ledgers/t/reports/r").text
    assert 'id="report-chart"' not in page and "只看表" in page
