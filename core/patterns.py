"""`pattern`s in a definition run in RE2, an engine whose time is linear in the text.

Python's `re` backtracks: `^(a+)+$` against thirty characters held a worker for 30 s, and no
static check finds every such shape (under allOf, not, anyOf, beside a $ref, `^(a|aa)*$`,
`^a*a*a*a*b`). RE2 never backtracks, so every pattern of a definition, wherever it sits, is
compiled and run by RE2; a pattern RE2 cannot compile (lookarounds, backreferences) is refused
when the definition is checked.

JSON Schema patterns are ECMA-262; Python's `\\Z` (end of text) is read as RE2's `\\z`.
"""
from __future__ import annotations

import re
from functools import lru_cache

import re2

MAX_PATTERN_LENGTH = 500

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported in Chinese, not logged by the engine
_PY_END = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message is Chinese."""


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str):
    """The RE2 regexp for a definition's `pattern`; PatternError when it is refused."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"正则表达式过长（上限 {MAX_PATTERN_LENGTH} 个字符）")
    try:
        return re2.compile(_PY_END.sub(r"\1\\z", pattern), options=_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError("正则表达式无法编译（前后断言 (?=…)、(?!…)、(?<=…) 与反向引用 \\1 等写法"
                           f"无法在线性时间内运行，请改写）：{detail}") from None
    except (TypeError, ValueError) as exc:
        raise PatternError(f"正则表达式无法编译：{exc}") from None


def pattern_matches(pattern: str, text: str) -> bool:
    """JSON Schema's `pattern`: does `pattern` match somewhere in `text` (a search, not a full match)?"""
    return compile_pattern(pattern).search(text) is not None


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is refused, in Chinese, or None when it is usable."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def every_pattern(node, path: str = ""):
    """(pointer, pattern) for every `pattern` (and `patternProperties` key) anywhere in a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}/{key}"
            if key == "pattern" and isinstance(value, str):
                yield sub, value
            elif key == "patternProperties" and isinstance(value, dict):
                for name, inner in value.items():
                    escaped = f"{sub}/" + name.replace("~", "~0").replace("/", "~1")
                    yield escaped, name
                    yield from every_pattern(inner, escaped)
            elif key not in ("enum", "const", "examples", "default") and not key.startswith("x-"):
                yield from every_pattern(value, sub)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from every_pattern(value, f"{path}/{index}")
