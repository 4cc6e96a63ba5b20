"""GET /api/v1/ledgers/<key>/bulletin.docx: the bulletin page's figures as a Word document,
read back with python-docx; the office's own template; its errors; scope, permissions, audit."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

import api.bulletin
from core.access import accounts
from core.db.models import audit_log
from core.access import rules as permissions
from core.access.policy import SYSTEM
from core.reports import bulletin, document
from core.reports.templates import build_bulletin
from tests.scoping import A, A1, B, SECRET, UNIT_RULES, setup

TODAY = dt.date(2026, 11, 25)
URL = "/ledgers/supervision/bulletin.docx"


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(api.bulletin, "local_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def items(db):
    from core.entries import store
    rows = [dict(content="老旧小区改造", unit="区住建局", deadline="2026-03-31", status="办理中", leader="张建国（副区长）"),
            dict(content="河道清淤 & <疏浚>", unit="区水利局", deadline="2026-05-10", status="交办"),
            dict(content="学校扩建", unit="区住建局", deadline="2026-02-28", status="已办结", completed_on="2026-02-20",
                 progress=100),
            dict(content="不在本期", unit="区住建局", deadline="2026-08-01", status="办理中")]
    for r in rows:
        store.create_entry(db, SYSTEM, "supervision", {"source": "专题会议纪要", "progress": 20, **r})


def read(response) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(io.BytesIO(response.data))
    return [p.text for p in doc.paragraphs], [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]


def test_the_document_has_the_pages_figures(api, db, users, items, today):
    r = api("viewer").get(URL + "?from=2026-01-01&to=2026-06-30&no=7")
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == document.DOCX_MIME
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and "filename*=UTF-8''" in disposition
    assert "%E7%AC%AC7%E6%9C%9F" in disposition and disposition.endswith('.docx')  # …督查通报第7期-<today>.docx
    paragraphs, tables = read(r)
    assert paragraphs[0] == "督查通报" and "第7期" in paragraphs
    assert "区政府办公室\t2026年11月25日" in paragraphs
    expected = bulletin.bulletin(db, users["viewer"], "supervision", "2026-01-01", "2026-06-30", TODAY)
    units_table, overdue_table = tables
    assert units_table[0] == ["承办单位", "事项数", "已办结", "超期未办结", "办结率", "按期办结率"]
    want = [[u["unit"], str(u["total"]), str(u["done"]), str(u["overdue"]), document.percent_text(u["done_rate"]),
             document.percent_text(u["on_time_rate"])] for u in expected["units"]]
    assert units_table[1:-1] == want == [["区住建局", "2", "1", "1", "50.0%", "100.0%"],
                                         ["区水利局", "1", "0", "1", "0.0%", "—"]]
    assert units_table[-1] == ["合计", "3", "1", "2", "33.3%", "100.0%"]
    assert overdue_table[0][-1] == "超期天数"
    assert [row[1] for row in overdue_table[1:]] == ["老旧小区改造", "河道清淤 & <疏浚>"]   # escaped into XML, read back
    assert overdue_table[1] == ["1", "老旧小区改造", "区住建局", "张建国（副区长）", "2026-03-31",
                                str((TODAY - dt.date(2026, 3, 31)).days)]
    assert overdue_table[2][3] == "—" and overdue_table[2][5] == str(expected["overdue"][1]["days"])
    assert any("共 3 件，已办结 1 件，办结率 33.3%" in p for p in paragraphs)


def test_fonts_are_named_for_east_asian_text(api, users, items, today):
    doc = Document(io.BytesIO(api("viewer").get(URL).data))
    xml = doc.element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml and 'w:eastAsia="黑体"' in xml
    normal = doc.styles["Normal"].element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in normal and 'w:eastAsia="zh-CN"' in normal
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_defaults_and_an_empty_period(api, users, today):
    r = api("viewer").get(URL)
    paragraphs, tables = read(r)
    assert r.status_code == 200 and not any(p.startswith("第") and p.endswith("期") for p in paragraphs)
    assert "本期没有事项。" in paragraphs and "本期没有超期未办结事项。" in paragraphs and tables == []
    assert any("2026年7月1日至2026年12月31日" in p for p in paragraphs)
    assert not any(p.startswith("四、") for p in paragraphs)    # no round yet: the section stays out


def test_a_round_fills_its_section(monkeypatch, api, users, items, today):
    """The hook the rounds work fills: given a round, the late units are named."""
    monkeypatch.setattr(document, "late_in_current_round",
                        lambda db, actor, key: {"title": "12月填报", "due": "2026-11-20", "late_units": ["区水利局", "区教育局"]})
    paragraphs, _tables = read(api("viewer").get(URL))
    assert "四、12月填报未按时报送的单位" in paragraphs
    assert any("区水利局、区教育局" in p for p in paragraphs)


def test_download_is_audited(api, db, users, items, today):
    api("viewer").get(URL + "?from=2026-01-01&to=2026-06-30&no=3&office=区政府督查室")
    with db.read() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == "report")).all()
    assert len(rows) == 1
    assert (rows[0].user_name, rows[0].ledger_key, rows[0].row_count) == ("viewer", "supervision", 2)
    assert rows[0].filters == {"bulletin": "docx", "from": "2026-01-01", "to": "2026-06-30", "no": 3,
                               "office": "区政府督查室"}


@pytest.mark.parametrize("query, message", [
    ("from=2026-07-01&to=2026-01-01", "开始日期不能晚于结束日期"),
    ("from=2026-02-30", "开始日期应为日期"),
    ("no=abc", "期数应为 1 到 9999 之间的整数"),
    ("no=0", "期数应为"),
    ("office=" + "办" * 41, "发文单位不能超过 40 个字"),
])
def test_bad_parameters_are_a_400_in_chinese(api, users, today, query, message):
    r = api("viewer").get(URL + "?" + query)
    assert r.status_code == 400 and message in r.get_json()["error"]


def test_who_may_download(client, api, db, users, today):
    assert api("viewer").get(URL).status_code == 200
    assert client.get("/api/v1" + URL).status_code == 401                       # not signed in
    assert api("viewer").get("/ledgers/repairs/bulletin.docx").status_code == 404   # no bulletin declared
    assert api("viewer").get("/ledgers/nothing/bulletin.docx").status_code == 404
    permissions.set_permissions(db, SYSTEM, "supervision",
                                {"rules": [{"role": "editor", "actions": ["read"], "scope": "all"}]})
    r = api("viewer").get(URL)                                                    # no read for viewers
    assert r.status_code in (403, 404) and r.get_json()["error"]


def test_a_signed_in_browser_may_download(client, users, items, today):
    from tests.web.conftest import csrf_from
    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"name": "viewer", "password": "viewer-password", "csrf_token": token})
    r = client.get("/api/v1" + URL)
    assert r.status_code == 200 and r.data[:2] == b"PK"


def test_a_unit_reader_sees_only_its_units(client, db, monkeypatch):
    monkeypatch.setattr(api.bulletin, "local_today", lambda: dt.date(2026, 11, 25))
    setup(db, UNIT_RULES)
    token = accounts.issue_token(db, "a_viewer")
    r = client.get("/api/v1/ledgers/scoped/bulletin.docx?from=1999-01-01&to=2001-12-31",
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.get_json()
    paragraphs, tables = read(r)
    text = "\n".join(paragraphs) + repr(tables)
    assert A in text and B not in text and SECRET not in text
    assert {row[0] for row in tables[0][1:-1]} == {A, A1}      # its unit and its sub-unit, never B


# --- the office's own template ---------------------------------------------------------------

def office_template(tmp: Path, *texts: str) -> Path:
    doc = Document()
    for t in texts:
        doc.add_paragraph(t)
    tmp.mkdir(parents=True, exist_ok=True)
    doc.save(str(tmp / "bulletin.docx"))
    return tmp / "bulletin.docx"


def test_a_replaced_template_is_used(app, api, users, items, today):
    folder = Path(app.instance_path) / "templates"
    office_template(folder, "{{ office }}第{{ number }}期", "{%p for u in units %}", "{{ u.unit }}：{{ u.done_rate }}",
                    "{%p endfor %}")
    paragraphs, _ = read(api("viewer").get(URL + "?from=2026-01-01&to=2026-06-30&no=9&office=督查室"))
    assert paragraphs == ["督查室第9期", "区住建局：50.0%", "区水利局：0.0%"]
    office_template(folder / "supervision", "本台帐专用：{{ ledger.title }}")   # a ledger's own wins
    paragraphs, _ = read(api("viewer").get(URL))
    assert paragraphs == ["本台帐专用：督查督办台帐"]


@pytest.mark.parametrize("texts, words", [
    (("{{ office }} {{ secret_key }}", "{{ nonsense }}"), ["未知的变量", "nonsense", "secret_key"]),
    (("{{ totals.nope }}",), ["未知的变量", "nope"]),
    (("{% if units %}没有结束",), ["标记写法有误"]),
    (("{{ office.__class__.__mro__ }}",), ["通报模板"]),
])
def test_a_broken_template_is_a_clear_error(app, api, users, today, texts, words):
    office_template(Path(app.instance_path) / "templates", *texts)
    r = api("viewer").get(URL)
    body = r.get_json()
    assert r.status_code == 500 and body is not None, r.data[:200]
    assert all(w in body["error"] for w in words), body
    assert "Traceback" not in body["error"] and "bulletin.docx" in body["error"]


def test_a_file_that_is_not_a_docx_is_a_clear_error(app, api, users, today):
    folder = Path(app.instance_path) / "templates"
    folder.mkdir(parents=True)
    (folder / "bulletin.docx").write_text("not a word file")
    r = api("viewer").get(URL)
    assert r.status_code == 500 and "不是有效的 Word 文档" in r.get_json()["error"]


def test_nothing_is_recorded_when_the_template_fails(app, api, db, users, today):
    office_template(Path(app.instance_path) / "templates", "{{ nonsense }}")
    assert api("viewer").get(URL).status_code == 500
    with db.read() as conn:
        assert conn.execute(select(audit_log).where(audit_log.c.action == "report")).all() == []


def test_the_shipped_template_is_what_its_script_builds(tmp_path):
    built = build_bulletin.build(tmp_path / "rebuilt.docx")

    def texts(path):
        doc = Document(str(path))
        return [p.text for p in doc.paragraphs], [[c.text for r in t.rows for c in r.cells] for t in doc.tables]
    assert texts(built) == texts(document.SHIPPED)


def test_the_docs_name_every_variable():
    page = (Path(__file__).resolve().parents[2] / "docs" / "bulletin-word.md").read_text("utf-8")
    missing = [v for v in document.VARIABLES if f"`{v}`" not in page]
    assert missing == []
