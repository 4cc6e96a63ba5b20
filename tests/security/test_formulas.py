"""Formula neutralisation looks past invisible prefixes and reads full-width forms; import undoes it."""
import pytest

from core.definition.kinds import neutralise, unneutralise

FORMULAS = [" =1+1", "\u3000=1+1", "＝1+1", "﹦1+1", "\u200b=1+1", "\ufeff=1+1", "＋1", "－1", "＠SUM(A1)",
            "﹢1", "﹣1", "\u00a0@x", "=1+1", "+1", "-1", "@x", "\t=1", "'=1"]
HARMLESS = ["1+1", "a=b", " 文本", "\u3000正文", "", " ", "＝", "x＝1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_starts_are_prefixed_and_come_back_whole(text):
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_alone_and_comes_back_whole(text):
    expected = "'" + text if text == "＝" else text  # a lone full-width = is still a formula start
    assert neutralise(text) == expected
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", ["'plain", "' 文本", "''"])
def test_a_leading_quote_that_is_content_survives(text):
    assert unneutralise(neutralise(text)) == text
