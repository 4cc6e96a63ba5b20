"""Patterns run in RE2: the shapes that backtrack without end in Python's `re` answer at once."""
import time

import pytest

from core.definition import load_definition
from core.errors import EntryInvalid
from core.validation import validate_entry

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
    from core.validation import _quick_check
    definition = _definition({"pattern": "^(a|aa)*$"})
    quick = _quick_check(definition)
    assert quick is not None
    started = time.perf_counter()
    assert not quick({"name": HOSTILE}) and quick({"name": "aaaa"})
    assert time.perf_counter() - started < 2
