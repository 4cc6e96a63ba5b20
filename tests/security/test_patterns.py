"""Patterns run in RE2: the shapes that backtrack without end in Python's `re` answer at once."""
import time

import pytest

from core.definition.loading import load_definition
from core.errors import EntryInvalid
from core.entries.validation import validate_entry

HOSTILE = "a" * 30 + "!"


def _definition(name_schema: dict, **extra) -> object:
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "正则", "type": "object",
        "properties": {"name": {"type": "string", "title": "名称", **name_schema}},
        "x-ledger": {"key": "regex_probe"},
        **extra,
    }
    return load_definition(document)


CASES = [
    ("plain", {"pattern": "^(a+)+$"}, {}),
    ("allOf", {"allOf": [{"pattern": "^(a+)+$"}]}, {}),
    ("not", {"not": {"pattern": "^(a+)+$"}}, {}),
    ("anyOf", {"anyOf": [{"pattern": "^(a+)+$"}, {"maxLength": 1}]}, {}),
    ("beside a $ref", {"$ref": "#/$defs/text", "pattern": "^(a+)+$"}, {"$defs": {"text": {"type": "string"}}}),
    ("alternation", {"pattern": "^(a|aa)*$"}, {}),
    ("adjacent stars", {"pattern": "^a*a*a*a*b"}, {}),
]


@pytest.mark.parametrize("name_schema,extra", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_text_against_a_backtracking_pattern_is_answered_at_once(name_schema, extra):
    definition = _definition(name_schema, **extra)
    started = time.perf_counter()
    for text in (HOSTILE, "a" * 30, "a" * 29 + "b"):
        try:
            validate_entry(definition, {"name": text})
        except EntryInvalid:
            pass
    assert time.perf_counter() - started < 2  # a guard, not a benchmark: Python's re takes minutes


def test_patterns_still_decide():
    definition = _definition({"pattern": "^[A-Z]{2}-\\d{4}\\Z"})
    assert validate_entry(definition, {"name": "BG-2026"})
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(definition, {"name": "BG-2026\n"})  # \Z is the very end, as in Python
    assert "格式不正确" in caught.value.errors[0]["message"]
    negated = _definition({"not": {"pattern": "^(a+)+$"}})
    with pytest.raises(EntryInvalid):
        validate_entry(negated, {"name": "aaa"})
    assert validate_entry(negated, {"name": HOSTILE})


@pytest.mark.parametrize("pattern", ["^(?=a)a$", "(?<!x)a", "^(a)\\1$"])
def test_patterns_re2_cannot_run_are_refused_at_their_pointer(pattern):
    from core.errors import DefinitionError
    with pytest.raises(DefinitionError) as caught:
        _definition({"anyOf": [{"pattern": pattern}]})
    assert [e["path"] for e in caught.value.errors] == ["/properties/name/anyOf/0/pattern"]
    assert "无法编译" in caught.value.errors[0]["message"]


def test_the_quick_path_runs_patterns_in_re2_too():
    from core.entries.validation import _quick_check
    definition = _definition({"pattern": "^(a|aa)*$"})
    quick = _quick_check(definition)
    assert quick is not None
    started = time.perf_counter()
    assert not quick({"name": HOSTILE}) and quick({"name": "aaaa"})
    assert time.perf_counter() - started < 2


# --- ECMA-262 as JSON Schema means it, run in RE2 (issue 15, item 4) ----------------------------

WENHAO = "^[\\u4e00-\\u9fa5]+〔\\d{4}〕\\d+号$"

ECMA = [  # (pattern, a text it matches, a text it does not)
    (WENHAO, "区政府办〔2026〕12号", "区政府办〔26〕12号"),
    ("^\\u{1F600}$", "😀", "a"),
    ("^\\uD83D\\uDE00$", "😀", "\\uD83D\\uDE00"),  # a surrogate pair is one character
    ("^[\\uD83D\\uDE00-\\uD83D\\uDE4F]+$", "😀🙏", "☺"),
    ("^\\s$", "\u3000", "a"),  # ECMA's \s holds the full-width space
    ("^\\S+$", "甲乙", "甲\u3000乙"),
    ("^[\\s\\d]+$", "1\u30002 3", "1a"),
    ("^[^\\s]+$", "甲乙", "甲\u00a0乙"),
    ("^[\\S]+$", "甲乙", "甲\u2028乙"),
    ("^[^]$", "\n", "ab"),
    ("[]", None, "a"),  # matches nothing
    ("^.$", "甲", "\r"),  # `.` stops at every line terminator
    ("^.$", "😀", "\u2029"),
    ("^\\cJ$", "\n", "cJ"),
    ("^a\\/b$", "a/b", "a\\/b"),
    ("^\\〔\\d+\\〕$", "〔12〕", "12"),
    ("^\\d+$", "123", "١٢٣"),  # \d is ASCII in ECMA
    ("^\\w+$", "abc_1", "中文"),
    ("^(?<year>\\d{4})-\\d{2}$", "2026-03", "26-03"),
    ("^\\p{Script=Han}+$", "督查", "abc"),
    ("^\\p{sc=Han}\\P{L}$", "督1", "督查"),
    ("^\\p{Letter}+$", "abc中", "1"),
    ("^\\p{General_Category=Decimal_Number}$", "٣", "a"),
    ("^[\\d-z]+$", "1-z", "a"),  # `-` beside a class escape is itself
    ("^{abc}$", "{abc}", "abc"),  # a brace that starts no quantifier is itself
    ("^a{2,3}$", "aaa", "a{2,3}"),
    ("^[\\b]$", "\b", "b"),
    ("^\\x41\\u0042$", "AB", "ab"),
    ("^[^\\]]+$", "ab", "a]"),
    ("^a]$", "a]", "a"),
    ("^[A-Z]{2}-\\d{4}\\Z", "BG-2026", "BG-2026\n"),  # Python's \Z, as before
]


@pytest.mark.parametrize("pattern,good,bad", ECMA, ids=[f"{i}:{c[0]}" for i, c in enumerate(ECMA)])
def test_ecma_262_patterns_are_accepted_and_mean_what_ecma_means(pattern, good, bad):
    from core.definition.patterns import pattern_matches, pattern_problem
    assert pattern_problem(pattern) is None
    if good is not None:
        assert pattern_matches(pattern, good)
    assert not pattern_matches(pattern, bad)


def test_a_valid_ecma_pattern_is_accepted_and_decides_entries_on_both_paths():
    from core.entries.validation import _quick_check
    definition = _definition({"pattern": WENHAO, "examples": ["区政府办〔2026〕12号"]})
    assert validate_entry(definition, {"name": "区政府办〔2026〕12号"})
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(definition, {"name": "区政府办〔2026〕十二号"})
    assert caught.value.errors[0]["path"] == "/name" and "格式不正确" in caught.value.errors[0]["message"]
    quick = _quick_check(definition)
    assert quick is None or (quick({"name": "区政府办〔2026〕12号"}) and not quick({"name": "〔2026〕12号"}))
    for ecma_only in ("^[^]+$", "^\\u{4e00}", "^\\cA?$", "^(?<y>\\d)$"):  # Python's re refuses these
        assert _definition({"pattern": ecma_only})


REFUSED = [  # (pattern, what the message names)
    ("^(?=a)a$", "先行断言"),
    ("^(?!a)b$", "先行断言"),
    ("(?<=x)a", "后行断言"),
    ("(?<!x)a", "后行断言"),
    ("^(a)\\1$", "反向引用 \\1"),
    ("^(?<c>a)\\k<c>$", "命名反向引用"),
    ("^a++$", "占有量词"),
    ("^a*+b$", "占有量词"),
    ("^(?>a|ab)c$", "原子组"),
    ("^a{1001}$", "1000"),
    ("^\\uD800$", "代理码位"),
    ("^\\e$", "无效的转义"),
    ("^[z-a]$", "顺序颠倒"),
    ("^(a$", "缺少 )"),
    ("^[a$", "缺少 ]"),
]


@pytest.mark.parametrize("pattern,named", REFUSED, ids=[c[0] for c in REFUSED])
def test_a_refused_pattern_names_its_real_cause_at_its_pointer(pattern, named):
    from core.errors import DefinitionError
    with pytest.raises(DefinitionError) as caught:
        _definition({"pattern": pattern})
    errors = caught.value.errors
    assert [e["path"] for e in errors] == ["/properties/name/pattern"], errors
    message = errors[0]["message"]
    assert named in message and "无法编译" in message
    if "断言" not in named:
        assert "断言" not in message, message  # no blaming look-arounds a pattern does not hold
    if named in ("先行断言", "后行断言", "反向引用 \\1", "占有量词", "原子组"):
        assert "线性时间" in message


def test_the_api_accepts_an_ecma_pattern_and_names_the_cause_of_a_refusal(api):
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "发文登记", "type": "object",
                "properties": {"wenhao": {"type": "string", "title": "文号", "pattern": WENHAO}},
                "x-ledger": {"key": "fawen"}}
    assert api("admin").post("/ledgers", json=document).status_code == 201
    assert api("editor").post("/ledgers/fawen/entries", json={"wenhao": "区政府办〔2026〕12号"}).status_code == 201
    refused = api("editor").post("/ledgers/fawen/entries", json={"wenhao": "〔2026〕12号"})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["path"] == "/wenhao"
    document["properties"]["wenhao"]["pattern"] = "^(?!草稿)" + WENHAO[1:]
    response = api("admin").put("/ledgers/fawen", json=document)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["path"] for e in errors] == ["/properties/wenhao/pattern"]
    assert "先行断言" in errors[0]["message"] and "反向引用" not in errors[0]["message"]


def test_the_designer_accepts_what_its_preview_accepts(client, login, csrf):
    login("admin")
    token = csrf(client.get("/designer").text)
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "发文登记", "type": "object",
                "properties": {"wenhao": {"type": "string", "title": "文号", "pattern": WENHAO,
                                          "examples": ["区政府办〔2026〕12号"]}},
                "x-ledger": {"key": "fawen"}}
    response = client.post("/designer/fawen/preview", json={"definition": document}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["problems"] == []
    checked = client.post("/designer/fawen/check", json={"definition": document, "values": [["wenhao", "〔2026〕12号"]]},
                          headers={"X-CSRFToken": token}).get_json()
    assert checked["problems"] == [] and checked["errors"]


# --- a definition nested too deep names the field (issue 15, item 4) ---------------------------

def _nested(levels: int) -> dict:
    inner: dict = {"type": "string", "title": "末项"}
    for level in range(levels, 0, -1):
        inner = {"type": "object", "title": f"第{level}层", "properties": {f"g{level}": inner}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "深层", "type": "object",
            "properties": {"top": inner}, "x-ledger": {"key": "deep"}}


@pytest.mark.parametrize("levels", [4, 12, 40])
def test_a_definition_nested_too_deep_names_the_field(levels):
    from core.definition.checks import check_definition
    errors = list(check_definition(_nested(levels)))
    assert len(errors) == 1, errors
    assert errors[0]["path"] == "/properties/top/properties/g1/properties/g2/properties/g3", errors
    assert "嵌套层级过深" in errors[0]["message"] and "第4层" in errors[0]["message"], errors


def test_the_api_names_the_field_of_a_definition_nested_40_deep(api):
    response = api("admin").post("/ledgers", json=_nested(40))
    assert response.status_code == 422, response.get_data(as_text=True)
    (error,) = response.get_json()["errors"]
    assert error["path"] == "/properties/top/properties/g1/properties/g2/properties/g3"
    assert "第4层" in error["message"] and "嵌套层级过深" in error["message"]
    response = api("admin").put("/ledgers/supervision", json={**_nested(40), "x-ledger": {"key": "supervision"}})
    assert response.status_code == 422 and "第4层" in response.get_json()["errors"][0]["message"]


def test_a_draft_nested_40_deep_is_refused_naming_the_field(db, users):
    from core.ledgers import drafts
    from core.errors import QueryError
    with pytest.raises(QueryError) as caught:
        drafts.save_draft(db, users["admin"], "deep", _nested(40))
    assert "第4层" in caught.value.message
    assert caught.value.errors[0]["path"] == "/properties/top/properties/g1/properties/g2/properties/g3"
