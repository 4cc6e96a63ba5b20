"""Imports: round trips, encodings, all or nothing, dry-run reports, upsert, limits, file types."""
import csv
import io
import zipfile

import openpyxl
import pytest

import demo
from core.tabular import importer
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.definition import workflow
from core.access.policy import SYSTEM
from tests.conftest import SCHEMAS
from tests.tabular.conftest import all_data, empty_copy

LEDGERS = demo.LEDGER_KEYS


def upload(api, role, key, body: bytes, name="data.csv", **form):
    data = {"file": (io.BytesIO(body), name), **form}
    return api(role).post(f"/ledgers/{key}/import", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("key", LEDGERS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimported_into_empty_ledger_reproduces_entries(api, demo_data, key, fmt):
    """Our own export of every shipped ledger, with entries in every state, imports into a copy
    whole and equal, by an editor (an import brings each entry's state; issue 15, item 2)."""
    assert set(LEDGERS) == {p.stem for p in SCHEMAS.glob("*.json")}
    _, definition = query.get_ledger(demo_data, SYSTEM, key)
    flow = workflow.workflow_of(definition)
    if flow is not None:
        states = {e[flow.field] for e in demo.demo_entries(key)}
        assert states == set(definition.by_key[flow.field].choices)
    exported = api("viewer").get(f"/ledgers/{key}/export.{fmt}").get_data()
    copy_key = empty_copy(demo_data, key)
    response = upload(api, "editor", copy_key, exported, name=f"x.{fmt}")
    assert response.status_code == 201, response.get_json()["errors"][:3]
    assert response.get_json()["created"] == len(demo.demo_entries(key))
    assert all_data(demo_data, copy_key) == all_data(demo_data, key)
    if definition.business_key:  # and again as an upsert: every row found, nothing changed
        again = upload(api, "editor", copy_key, exported, name=f"x.{fmt}", upsert="1")
        assert again.status_code == 200 and again.get_json()["updated"] == len(demo.demo_entries(key))
        assert all_data(demo_data, copy_key) == all_data(demo_data, key)


def test_header_keys_round_trip(api, demo_data):
    exported = api("viewer").get("/ledgers/fixed_assets/export.csv?header=key").get_data()
    copy_key = empty_copy(demo_data, "fixed_assets")
    assert upload(api, "editor", copy_key, exported).status_code == 201
    assert all_data(demo_data, copy_key) == all_data(demo_data, "fixed_assets")


def test_gb18030_csv_imports_with_correct_chinese(api, db):
    text = ("维修地点,设施类型,问题描述,报修日期,处理状态,维修费用(元),是否,完成日期\r\n"
            "区政府大院1号楼,供水,卫生间水龙头漏水,2026/3/5,待处理,\"1,234.50\",,\r\n"
            "锦绣小区3栋,排水,雨后地下室积水𠀀,2026年3月6日,已完成,80,,2026年3月7日\r\n")
    response = upload(api, "editor", "repairs", text.encode("gb18030"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] == 2 and any("是否" in w for w in body["warnings"])
    items = query.list_entries(db, SYSTEM, "repairs", {"_sort": "reported_on"})["items"]
    assert items[0]["data"]["description"] == "卫生间水龙头漏水"
    assert items[0]["data"]["cost"] == 1234.5 and items[0]["data"]["reported_on"] == "2026-03-05"
    assert items[1]["data"]["description"] == "雨后地下室积水𠀀"


def test_gbk_bytes_are_detected(api, db):
    text = "维修地点,设施类型,问题描述,报修日期,处理状态\r\n东院,供电,跳闸,2026-03-05,待处理\r\n"
    assert upload(api, "editor", "repairs", text.encode("gbk")).status_code == 201


def repairs_csv(rows: int, bad_at: int | None = None) -> bytes:
    lines = ["维修地点,设施类型,问题描述,报修日期,处理状态"]
    for i in range(rows):
        date = "2026-02-30" if i == bad_at else "2026-03-05"
        lines.append(f"第{i}号楼,供电,灯不亮,{date},待处理")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_one_bad_row_among_many_stores_nothing_and_reports_it(api, db):
    before = query.get_ledger(db, SYSTEM, "repairs")[0]["entry_count"]
    response = upload(api, "editor", "repairs", repairs_csv(5000, bad_at=4321))
    assert response.status_code == 422
    body = response.get_json()
    assert body["invalid"] == 1 and body["created"] == 0
    assert body["errors"] == [{"row": 4323, "field": "reported_on", "column": "报修日期",
                               "message": "报修日期：无法识别的日期“2026-02-30”，应如 2026-03-05 或 2026/3/5"}]
    assert "未导入任何数据" in body["error"]
    assert query.get_ledger(db, SYSTEM, "repairs")[0]["entry_count"] == before
    assert query.list_entries(db, SYSTEM, "repairs", {"location": "第0号楼"})["total"] == 0


def test_dry_run_lists_every_bad_row_and_offers_rejects(api, db):
    text = ("\ufeff维修地点,设施类型,问题描述,报修日期,处理状态,维修费用(元)\r\n"
            "东院,供电,跳闸,2026-03-05,待处理,12\r\n"
            ",供电,跳闸,2026-03-05,待处理,\r\n"
            "西院,燃气,跳闸,2026-03-05,待处理,\r\n"
            "北院,供电,跳闸,2026-03-05,待处理,十元\r\n")
    response = upload(api, "editor", "repairs", text.encode(), dry_run="1")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["valid"], body["invalid"]) == (4, 1, 3)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "location"), (4, "facility_type"), (5, "cost")]
    assert body["errors"][0]["message"] == "维修地点：必填"
    assert body["rejected"]["headers"][-1] == "错误" and len(body["rejected"]["rows"]) == 3
    assert query.get_ledger(db, SYSTEM, "repairs")[0]["entry_count"] == 0

    rejects = upload(api, "editor", "repairs", text.encode(), dry_run="1", rejects="csv")
    rows = list(csv.reader(io.StringIO(rejects.get_data().decode("utf-8-sig"))))
    assert rows[0][-1] == "错误" and len(rows) == 4 and "必填" in rows[1][-1]


def test_import_revisions_name_the_importer(api, db):
    upload(api, "editor", "repairs", repairs_csv(3))
    entry = query.list_entries(db, SYSTEM, "repairs")["items"][0]
    assert entry["created_by"] == "editor"
    revisions = query.list_revisions(db, SYSTEM, "repairs", entry["id"])
    assert [(r["by"], r["source"], r["action"]) for r in revisions] == [("editor", "import", "create")]


ASSETS = "资产编号,资产名称,资产类别,原值(元),车辆信息·座位数\r\n"


def test_business_key_duplicates_and_upsert(api, db):
    first = ASSETS + "CL-2020-0001,公务用车,车辆,\"203,800\",5\r\nBG-2021-0002,打印机,办公设备,3000,\r\n"
    assert upload(api, "editor", "fixed_assets", first.encode()).status_code == 201
    again = ASSETS + "CL-2020-0001,公务用车（更新）,车辆,200000,7\r\nJJ-2022-0003,办公桌,家具,800,\r\n"
    refused = upload(api, "editor", "fixed_assets", again.encode())
    assert refused.status_code == 422 and "已存在" in refused.get_json()["errors"][0]["message"]
    dup = ASSETS + "JJ-2022-0003,办公桌,家具,800,\r\nJJ-2022-0003,办公椅,家具,300,\r\n"
    assert "与第 2 行重复" in upload(api, "editor", "fixed_assets", dup.encode()).get_json()["errors"][0]["message"]

    response = upload(api, "editor", "fixed_assets", again.encode(), upsert="1")
    assert response.status_code == 201 and (response.get_json()["created"], response.get_json()["updated"]) == (1, 1)
    car = query.list_entries(db, SYSTEM, "fixed_assets", {"asset_no": "CL-2020-0001"})["items"][0]
    assert car["version"] == 2 and car["data"]["name"] == "公务用车（更新）" and car["data"]["vehicle"] == {"seats": 7}
    revisions = query.list_revisions(db, SYSTEM, "fixed_assets", car["id"])
    assert revisions[-1]["action"] == "update" and revisions[-1]["source"] == "import"
    assert upload(api, "editor", "repairs", repairs_csv(1), upsert="1").status_code == 400


def test_xlsx_excel_dates_and_formula_text(api, db):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["维修地点", "设施类型", "问题描述", "报修日期", "处理状态", "维修费用(元)"])
    sheet.append(["东院", "供电", "=HYPERLINK(\"x\")", None, "待处理", 12.5])
    sheet["D2"].value = __import__("datetime").datetime(2026, 3, 5)
    sheet["C2"].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    assert upload(api, "editor", "repairs", out.getvalue(), name="a.xlsx").status_code == 201
    entry = query.list_entries(db, SYSTEM, "repairs")["items"][0]["data"]
    assert entry["description"] == "=HYPERLINK(\"x\")" and entry["reported_on"] == "2026-03-05"
    assert entry["cost"] == 12.5


def test_formula_values_round_trip_as_text(api, db):
    document = {"title": "公式", "type": "object", "properties": {"text": {"type": "string", "title": "文本"}},
                "x-ledger": {"key": "formulas"}}
    versions.save_definition(db, SYSTEM, document)
    values = ["=1+1", "+1", "-1", "@A1", "\t=1", "'引号", "''两个"]
    store.create_entries(db, SYSTEM, "formulas", [{"text": v} for v in values])
    for fmt in ("csv", "xlsx"):
        exported = api("viewer").get(f"/ledgers/formulas/export.{fmt}").get_data()
        copy_key = f"formulas_{fmt}"
        versions.save_definition(db, SYSTEM, {**document, "x-ledger": {"key": copy_key}})
        assert upload(api, "editor", copy_key, exported, name=f"f.{fmt}").status_code == 201
        assert all_data(db, copy_key) == all_data(db, "formulas")


def test_size_limit_is_413(app, api):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    assert upload(api, "editor", "repairs", b"x" * 20_000).status_code == 413


@pytest.mark.parametrize("body, name", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls"),
    (b"%PDF-1.4 binary", "a.pdf"),
    ("维修地点\r\n东院\r\n".encode("utf-16"), "u16.csv"),
    (bytes(range(256)) * 4, "random.csv"),
])
def test_neither_csv_nor_xlsx_is_415(api, body, name):
    response = upload(api, "editor", "repairs", body, name=name)
    assert response.status_code == 415 and response.get_json()["error"]


def test_not_multipart_is_415(api):
    assert api("editor").post("/ledgers/repairs/import", json={"a": 1}).status_code == 415


def test_zip_bomb_is_refused(api):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 50_000_000 + "</a>")
    assert upload(api, "editor", "repairs", out.getvalue(), name="bomb.xlsx").status_code == 413


def test_row_cap(app, api):
    app.config["IMPORT_MAX_ROWS"] = 10
    assert upload(api, "editor", "repairs", repairs_csv(11)).status_code == 413
    assert upload(api, "editor", "repairs", repairs_csv(10)).status_code == 201


def test_headers_must_match(api):
    response = upload(api, "editor", "repairs", "甲,乙\r\n1,2\r\n".encode())
    assert response.status_code == 400 and "表头" in response.get_json()["error"]


def test_import_needs_write_permission(api):
    assert upload(api, "viewer", "repairs", repairs_csv(1)).status_code == 403


def test_defusedxml_is_active():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("key", LEDGERS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_have_headers_and_an_example_that_imports(api, key, fmt):
    assert api("viewer").get(f"/ledgers/{key}/template.{fmt}").status_code == 403  # a template is for importing
    response = api("editor").get(f"/ledgers/{key}/template.{fmt}")
    assert response.status_code == 200 and "导入模板" in response.headers["Content-Disposition"].split("''")[1] \
        or "%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF" in response.headers["Content-Disposition"]
    checked = upload(api, "editor", key, response.get_data(), name=f"t.{fmt}", dry_run="1").get_json()
    assert (checked["total"], checked["invalid"]) == (0, 0), checked["errors"]
    assert any("示例行" in w and "已跳过" in w for w in checked["warnings"])
    # the example's values are valid: with its 记录ID cleared the same row would import
    cleared = without_example_mark(response.get_data(), fmt)
    checked = upload(api, "editor", key, cleared, name=f"t.{fmt}", dry_run="1").get_json()
    assert (checked["total"], checked["invalid"]) == (1, 0), checked["errors"]
    assert not any("示例行" in w for w in checked["warnings"])


def without_example_mark(body: bytes, fmt: str) -> bytes:
    if fmt == "csv":
        head, row = body.decode("utf-8-sig").split("\r\n", 1)
        assert row.startswith("示例,")
        return (head + "\r\n" + row[len("示例"):]).encode("utf-8")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.active["A2"].value == "示例"
    book.active["A2"] = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_example_row_is_never_imported(api, db):
    body = api("editor").get("/ledgers/repairs/template.csv").get_data()
    example = body.decode("utf-8-sig").split("\r\n")[1]
    real = example[len("示例"):]  # the same values, no example mark: a real row
    response = upload(api, "editor", "repairs", body + (real + "\r\n").encode("utf-8"))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert (report["created"], report["total"]) == (1, 1)
    assert any("第 2 行是模板的示例行" in w for w in report["warnings"])
    assert query.list_entries(db, SYSTEM, "repairs")["total"] == 1


def test_boolean_words_import_as_true_and_false(api, db):
    versions.save_definition(db, SYSTEM, {
        "title": "核查台帐", "type": "object",
        "properties": {"name": {"type": "string", "title": "名称", "maxLength": 20},
                       "ok": {"type": "boolean", "title": "是否合格"}},
        "required": ["name"], "x-ledger": {"key": "checks", "list": {"sort": "name"}}})
    words = {"y": True, "yes": True, "对": True, "√": True, "Y": True,
             "n": False, "no": False, "错": False, "×": False, "NO": False}
    lines = ["名称,是否合格"] + [f"{i:02d},{word}" for i, word in enumerate(words)]
    response = upload(api, "editor", "checks", ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    assert response.status_code == 201, response.get_json()
    _, entries = query.iter_entries(db, SYSTEM, "checks")
    got = {e["data"]["name"]: e["data"]["ok"] for e in entries}
    assert got == {f"{i:02d}": value for i, value in enumerate(words.values())}
