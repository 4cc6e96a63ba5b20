"""Proposals from a spreadsheet: each kind detected with its reason, keys, required, errors,
encodings and XLSX cells; every proposal passes check_definition and reads every row."""
import datetime as dt
import io

import openpyxl
import pytest

from core.definition.checks import check_definition
from core.definition.loading import load_definition
from core.tabular.sheets import FileTooLarge, UnsupportedFile
from core.ledgers.proposal import MAX_CHOICES, MIN_ROWS_PER_CHOICE, SheetError, propose, unique_keys

UNITS = ["区财政局", "区住建局", "区教育局"]


def csv_bytes(rows, encoding="utf-8"):
    return "\r\n".join(",".join(f'"{c}"' if ("," in c or "\n" in c) else c for c in row) for row in rows).encode(encoding)


def sample_rows(n=18):
    rows = [["交办日期", "办理时间", "件数", "比例", "金额", "是否办结", "联系邮箱", "承办单位", "情况说明",
             "备注", "联系电话", "工作内容"]]
    for i in range(n):
        rows.append([f"2026/1/{i + 1}", f"2026-01-{i + 1:02d} 09:30", str(i), f"{i}.5", f"¥{i},234.50",
                     "是" if i % 2 else "否", f"a{i}@example.gov.cn", UNITS[i % 3],
                     "很长的情况说明" * 20 if i == 3 else f"第{i}项", "" if i % 4 else f"备注{i}",
                     f"1380013800{i % 10}", f"工作{i}"])
    return rows


def by_title(found):
    return {f["title"]: f for f in found["fields"]}


def test_every_kind_is_detected_with_a_chinese_reason():
    found = propose("督查台帐2025.csv", csv_bytes(sample_rows()))
    fields = by_title(found)
    kinds = {title: f["kind"] for title, f in fields.items()}
    assert kinds == {"交办日期": "date", "办理时间": "datetime", "件数": "integer", "比例": "number",
                     "金额": "money", "是否办结": "boolean", "联系邮箱": "email", "承办单位": "choice",
                     "情况说明": "textarea", "备注": "text", "联系电话": "text", "工作内容": "text"}
    assert fields["交办日期"]["reason"].startswith("18 行均为日期")
    assert fields["承办单位"]["reason"].startswith("18 行只有 3 种取值")
    assert "设为必填" in fields["件数"]["reason"] and "不设必填" in fields["备注"]["reason"]
    assert found["rows"] == 18
    document = found["definition"]
    assert list(check_definition(document)) == []
    assert document["properties"][fields["承办单位"]["key"]]["enum"] == UNITS  # first-seen order
    money = document["properties"][fields["金额"]["key"]]
    assert money["multipleOf"] == 0.01 and money["type"] == "number"
    required = set(document["required"])
    assert fields["件数"]["key"] in required and fields["备注"]["key"] not in required


def test_titles_are_the_headers_and_the_list_is_filled():
    found = propose("督查台帐2025.csv", csv_bytes(sample_rows()))
    document = found["definition"]
    assert [p["title"] for p in document["properties"].values()] == sample_rows()[0]
    listing = document["x-ledger"]["list"]
    keys = {f["title"]: f["key"] for f in found["fields"]}
    assert listing["columns"] == list(document["properties"])[:5]
    assert listing["filters"] == [keys["承办单位"]]
    assert keys["工作内容"] in listing["search"] and keys["联系邮箱"] not in listing["search"]
    assert document["title"] == "督查台帐2025" and document["x-ledger"]["key"] == "du_cha_tai_zhang_2025"


def test_title_and_key_given():
    found = propose("x.csv", csv_bytes(sample_rows(3)), title="信访登记", key="petitions")
    assert found["definition"]["title"] == "信访登记"
    assert found["definition"]["x-ledger"]["key"] == "petitions"
    with pytest.raises(SheetError, match="台帐标识"):
        propose("x.csv", csv_bytes(sample_rows(3)), key="Bad-Key")


def test_keys_are_valid_unique_and_readable():
    assert unique_keys(["承办单位", "承办单位 ", "Due Date", "2026年", "★", "（备注）"]) == [
        "cheng_ban_dan_wei", "cheng_ban_dan_wei_2", "due_date", "f_2026_nian", "field_5", "bei_zhu"]


@pytest.mark.parametrize("values, kind", [
    (["2026-01-05", "2026/1/6", "2026年1月7日"], "date"),
    (["2026-01-05 08:00", "2026/1/6 17:30"], "datetime"),
    (["1", "22", "-3"], "integer"),
    (["1.5", "2.25", "3"], "number"),
    (["1,234.50", "8.00", "12.30"], "money"),
    (["100元", "200元", "300元"], "money"),
    (["是", "否", "是"], "boolean"),
    (["a@b.cn", "x.y@gov.cn", "z@q.org"], "email"),
    (["甲", "乙", "甲", "乙", "甲", "乙"], "choice"),
    (["甲", "乙", "丙"], "text"),                     # each value once: not a choice
    (["0101", "0102", "0103"], "text"),              # codes keep their leading zero
    (["13800138000", "13900139000"], "text"),        # phone numbers are not quantities
    (["第一行\n第二行", "短"], "textarea"),
    (["1.234", "2.5"], "number"),                    # finer than cents: not money
])
def test_one_column_kinds(values, kind):
    rows = [["列"]] + [[v] for v in values]
    found = propose("t.csv", csv_bytes(rows))
    assert found["fields"][0]["kind"] == kind, found["fields"][0]["reason"]
    load_definition(found["definition"])


def test_no_key_is_another_columns_header():
    assert unique_keys(["备注", "bei_zhu"]) == ["bei_zhu_2", "bei_zhu"]
    found = propose("a.csv", "备注,bei_zhu\r\n甲,乙".encode())
    load_definition(found["definition"])


def test_a_column_with_blanks_is_not_required_and_an_empty_column_is_text():
    found = propose("t.csv", csv_bytes([["名称", "备注", "空列"], ["甲", "", ""], ["", "有", ""], ["丙", "", ""]]))
    fields = by_title(found)
    assert fields["空列"]["kind"] == "text" and "没有数据" in fields["空列"]["reason"]
    assert "required" not in found["definition"]


def test_gb18030_csv_is_read():
    rows = sample_rows(6)
    utf8 = propose("a.csv", csv_bytes(rows))
    gbk = propose("a.csv", csv_bytes(rows, "gb18030"))
    assert gbk["fields"] == utf8["fields"]


def test_a_stray_byte_in_utf8_is_refused():
    data = csv_bytes(sample_rows(6)) + b"\r\n\xff\xfe,x"
    with pytest.raises(UnsupportedFile, match="UTF-8"):
        propose("a.csv", data)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_keep_their_types():
    rows = [["日期", "时间", "数量", "金额", "完成", "单位"]]
    for i in range(6):
        rows.append([dt.datetime(2026, 1, i + 1), dt.datetime(2026, 1, i + 1, 9, 30), i, 100.25 + i,
                     bool(i % 2), UNITS[i % 2]])
    found = propose("a.xlsx", xlsx_bytes(rows))
    assert [f["kind"] for f in found["fields"]] == ["date", "datetime", "integer", "money", "boolean", "choice"]
    assert found["rows"] == 6


@pytest.mark.parametrize("data, message", [
    (b"", "文件是空的"),
    (b"\r\n\r\n", "表头"),
    ("名称,名称\r\n甲,乙".encode(), "表头都是“名称”"),
    ("名称,,备注\r\n甲,乙,丙".encode(), "第 2 列有数据但表头为空"),
    ("2026-01-05,甲\r\n2026-01-06,乙".encode(), "像是数据"),
    ("名称\r\n\"未闭合".encode(), None),
])
def test_bad_files_get_clear_chinese_errors(data, message):
    if message is None:  # a CSV the reader cannot parse is still a clear 422, or a proposal of what it read
        try:
            propose("a.csv", data)
        except SheetError as exc:
            assert exc.status == 422
        return
    with pytest.raises(SheetError, match=message) as caught:
        propose("a.csv", data)
    assert caught.value.status == 422


def test_one_year_header_among_titles_is_a_header():
    found = propose("a.csv", "单位,2025\r\n甲,3\r\n乙,4".encode())
    assert [f["title"] for f in found["fields"]] == ["单位", "2025"]


def test_an_empty_trailing_header_is_dropped():
    found = propose("a.csv", "名称,\r\n甲,\r\n乙,".encode())
    assert [f["title"] for f in found["fields"]] == ["名称"]


def test_reserved_headers_are_left_out_with_a_warning():
    found = propose("a.csv", "记录ID,名称,最后修改人\r\n1,甲,张三".encode())
    assert [f["title"] for f in found["fields"]] == ["名称"]
    assert len(found["warnings"]) == 2


def test_unknown_binary_and_old_excel_are_refused():
    with pytest.raises(UnsupportedFile):
        propose("a.pdf", b"%PDF-1.4 whatever")
    with pytest.raises(UnsupportedFile, match=".xls"):
        propose("a.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)


def test_too_many_rows_is_too_large(monkeypatch):
    monkeypatch.setattr("core.tabular.sheets.MAX_ROWS", 5)
    rows = [["名称"]] + [[str(i)] for i in range(10)]
    with pytest.raises(FileTooLarge):
        propose("a.csv", csv_bytes(rows))


def test_a_value_the_guess_would_refuse_makes_the_field_text():
    # 13 distinct values repeated: too many for a choice; mixed digits: not numbers -> text
    rows = [["编号"]] + [[f"A{i % 13}"] for i in range(30)]
    found = propose("a.csv", csv_bytes(rows))
    assert found["fields"][0]["kind"] == "text"


@pytest.mark.parametrize("distinct, kind", [
    (MAX_CHOICES - 1, "choice"), (MAX_CHOICES, "choice"), (MAX_CHOICES + 1, "text")])
def test_the_choice_threshold_is_inclusive(distinct, kind):
    """Exactly MAX_CHOICES distinct values, each repeated enough, is still a choice; one more is not."""
    rows = [["类别"]] + [[f"类{i % distinct}"] for i in range(distinct * MIN_ROWS_PER_CHOICE)]
    found = propose("a.csv", csv_bytes(rows))
    assert found["fields"][0]["kind"] == kind, found["fields"][0]["reason"]


@pytest.mark.parametrize("rows_per_value, kind", [(MIN_ROWS_PER_CHOICE, "choice"), (MIN_ROWS_PER_CHOICE - 0.5, "text")])
def test_a_choice_needs_its_values_repeated_enough(rows_per_value, kind):
    """4 values over 8 rows (2 each on average) is a choice; over 6 rows it is not."""
    rows = [["类别"]] + [[f"类{i % 4}"] for i in range(int(4 * rows_per_value))]
    found = propose("a.csv", csv_bytes(rows))
    assert found["fields"][0]["kind"] == kind, found["fields"][0]["reason"]
