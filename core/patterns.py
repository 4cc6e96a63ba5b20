"""`pattern`s in a definition: they must compile and must not nest unbounded repeats.

A nested repeat such as (a+)+ backtracks catastrophically in Python's engine; entry values
run through the pattern, so such a definition is refused when it is checked.
"""
from __future__ import annotations

import re
try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import MAX_REPEAT, MIN_REPEAT, SUBPATTERN, BRANCH  # type: ignore
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore
    from sre_constants import MAX_REPEAT, MIN_REPEAT, SUBPATTERN, BRANCH  # type: ignore

MAX_PATTERN_LENGTH = 500


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is refused, in Chinese, or None when it is usable."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"正则表达式过长（上限 {MAX_PATTERN_LENGTH} 个字符）"
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        return f"正则表达式无法编译：{exc}"
    except RecursionError:  # 500 characters of "(((" nest deeper than the parser recurses
        return "正则表达式嵌套过深"
    if _nested_repeat(parsed, inside_repeat=False):
        return "正则表达式含嵌套重复（如 (a+)+），可能导致灾难性回溯"
    return None


def _nested_repeat(parsed, inside_repeat: bool) -> bool:
    """True when an unbounded repeat sits inside another repeat: the shape that backtracks badly."""
    for op, arg in parsed:
        if op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            unbounded = high is sre_parse.MAXREPEAT or high > 10
            if inside_repeat and unbounded:
                return True
            if _nested_repeat(sub, inside_repeat or unbounded):
                return True
        elif op is SUBPATTERN:
            if _nested_repeat(arg[-1], inside_repeat):
                return True
        elif op is BRANCH:
            if any(_nested_repeat(branch, inside_repeat) for branch in arg[1]):
                return True
    return False
