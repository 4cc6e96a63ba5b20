"""Hostile input answered with a 4xx, never a 500, on SQLite and PostgreSQL (issue 11, item 7)."""
import json

import pytest

from app import create_app
from core.access import accounts
from core.definition.examples import example_entry
from core.definition.loading import load_definition
from tests.conftest import shipped


@pytest.fixture(params=["sqlite", "postgres"])
def hostile(request, tmp_path):
    """A test client with an admin token, on each database."""
    url = f"sqlite:///{tmp_path / 'h.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    app.instance_path = str(tmp_path / "instance")
    db = app.extensions["ledger_db"]
    accounts.create_user(db, "admin", "admin", "admin-password")
    token = accounts.issue_token(db, "admin")
    client = app.test_client()

    class Api:
        def __getattr__(self, method):
            def call(path, headers=None, **kwargs):
                return getattr(client, method)("/api/v1" + path,
                                               headers={"Authorization": f"Bearer {token}", **(headers or {})},
                                               **kwargs)
            return call

    yield Api()
    db.dispose()


def _item(**changes) -> dict:
    return {**example_entry(load_definition(shipped("supervision"))), **changes}


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _count(api) -> int:
    return api.get("/ledgers/supervision/entries").get_json()["total"]


def _assert_4xx_json(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert body and body["error"], body


@pytest.mark.parametrize("depth", [500, 5000, 100_000])
def test_deeply_nested_json_in_any_body_is_refused(hostile, depth):
    before = _count(hostile)
    deep = _deep(depth)
    item = json.dumps(_item()).replace('"content": ', f'"content": {deep}, "x": ', 1)
    for method, path, body in [
        ("post", "/ledgers/supervision/entries", item),
        ("post", "/ledgers/supervision/entries", deep),
        ("post", "/ledgers", json.dumps({**shipped("repairs"), "x-deep": json.loads(_deep(400))})
         if depth == 500 else deep),
        ("put", "/ledgers/supervision", deep),
    ]:
        response = getattr(hostile, method)(path, data=body, content_type="application/json")
        _assert_4xx_json(response)
    assert _count(hostile) == before


def test_a_lone_surrogate_anywhere_is_refused(hostile):
    raw = json.dumps(_item(content="办理\ud800事项"))  # json.dumps writes it as the escape \ud800
    assert "\\ud800" in raw
    _assert_4xx_json(hostile.post("/ledgers/supervision/entries", data=raw, content_type="application/json"))
    document = shipped("repairs")
    document["title"] = "报修\ud800"
    _assert_4xx_json(hostile.post("/ledgers", data=json.dumps(document), content_type="application/json"))
    for params in ({"_q": "\ud800"}, {"status": "\ud800"}):
        query = "&".join(f"{k}=%ED%A0%80" for k in params)  # the surrogate's would-be UTF-8 bytes
        response = hostile.get(f"/ledgers/supervision/entries?{query}")
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert _count(hostile) == 0


def test_nul_characters_are_refused(hostile):
    _assert_4xx_json(hostile.post("/ledgers/supervision/entries", json=_item(content="办理\x00事项")))
    document = shipped("repairs")
    document["title"] = "报修\x00台帐"
    _assert_4xx_json(hostile.post("/ledgers", json=document))
    document = shipped("repairs")
    document["properties"]["reporter"] = {**document["properties"].get("reporter", {"type": "string"}),
                                          "title": "报修人\x00"}
    _assert_4xx_json(hostile.post("/ledgers", json=document))
    for query in ("_q=%00", "status=%00", "_q=a%00b", "_sort=%00", "deadline_from=%00"):
        _assert_4xx_json(hostile.get(f"/ledgers/supervision/entries?{query}"))
    assert _count(hostile) == 0


@pytest.mark.parametrize("version", ["99999999999999999999", "2147483648", "9223372036854775808"])
def test_a_huge_version_number_is_a_404(hostile, version):
    response = hostile.get(f"/ledgers/supervision/versions/{version}")
    assert response.status_code == 404 and response.get_json()["error"]


def test_control_characters_in_a_title_make_safe_download_names(hostile):
    document = shipped("repairs")
    document["title"] = "报修\r\n台帐\x1b\x7f\u2028"
    response = hostile.post("/ledgers", json=document)
    if response.status_code != 201:  # refusing such a title is as good
        _assert_4xx_json(response)
        return
    key = document["x-ledger"]["key"]
    for path in ("export.csv", "export.xlsx", "template.csv", "template.xlsx"):
        response = hostile.get(f"/ledgers/{key}/{path}")
        assert response.status_code == 200, (path, response.status_code)
        header = response.headers["Content-Disposition"]
        assert not any(ord(c) < 32 or c in "\x7f\u2028" for c in header), header


def test_a_deeply_nested_child_table_cell_is_refused_naming_the_row(hostile):
    deep = "[" * 500 + "]" * 500
    csv = "工作内容,来源,承办单位,完成时限,状态,进展情况\r\n" \
          f"事项,专题会议纪要,区住建局,2026-12-31,立项,\"{deep}\"\r\n"
    response = hostile.post("/ledgers/supervision/import", data=csv.encode("utf-8"),
                            content_type="text/csv")
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert "进展情况" in response.get_data(as_text=True), response.get_data(as_text=True)[:500]
    assert _count(hostile) == 0


def _supervision_csv(rows: list[str]) -> str:
    return "工作内容,来源,承办单位,完成时限,状态\r\n" + "".join(f"{r},专题会议纪要,区住建局,2026-12-31,立项\r\n"
                                                      for r in rows)


def test_a_utf8_file_with_one_stray_byte_is_refused_naming_the_line(hostile):
    data = _supervision_csv(["第一项", "第二项", "第三项"]).encode("utf-8")
    data = data.replace("第二项".encode("utf-8"), "第二".encode("utf-8") + b"\xff", 1)
    response = hostile.post("/ledgers/supervision/import", data=data, content_type="text/csv")
    _assert_4xx_json(response)
    assert "第 3 行不是有效的 UTF-8 编码" in response.get_json()["error"]
    assert _count(hostile) == 0


def test_a_genuine_gb18030_file_still_imports(hostile):
    data = _supervision_csv(["第一项", "第二项"]).encode("gb18030")
    response = hostile.post("/ledgers/supervision/import", data=data, content_type="text/csv")
    assert response.status_code in (200, 201), response.get_data(as_text=True)[:300]
    assert _count(hostile) == 2
