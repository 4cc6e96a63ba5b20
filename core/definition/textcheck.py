"""Text no database stores and nesting no walk survives: one check for data, parameters and definitions.

A NUL character is refused by PostgreSQL's text and jsonb; a lone surrogate (`"\\ud800"` in
JSON) cannot be encoded as UTF-8 by any driver; a value nested hundreds deep makes the
recursive walks of validation, serialisation and storage overflow the stack. Each is answered
here, in Chinese, before it reaches them.
"""
from __future__ import annotations

import re
from typing import Any

MAX_NESTING = 32  # arrays and objects inside one another; a definition needs far fewer
_BAD = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, in Chinese, or None."""
    found = _BAD.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "含有空字符（\\u0000），无法保存"
    return f"含有无效的字符（孤立的代理码位 \\u{ord(found.group()):04x}），无法保存"


def storable(text: str) -> str:
    """`text` without what no database column keeps (NUL, lone surrogates): for free text that
    is only recorded, never shown back as data, such as a login name someone tried."""
    return "".join(ch for ch in text if ch != "\x00" and not "\ud800" <= ch <= "\udfff")


def value_problem(value: Any, limit: int = MAX_NESTING) -> tuple[str, str] | None:
    """(JSON pointer, Chinese message) of the first bad text or too-deep nesting in `value`, or None.

    Iterative, so it cannot itself overflow; keys are checked as well as values."""
    stack = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node)
            if problem:
                return path, problem
        elif isinstance(node, (dict, list)):
            if depth >= limit:
                return path, f"嵌套层级过深（上限 {limit} 层）"
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, sub in items:
                if isinstance(key, str):
                    problem = text_problem(key)
                    if problem:
                        return path, "键名" + problem
                token = str(key).replace("~", "~0").replace("/", "~1")
                stack.append((sub, f"{path}/{token}", depth + 1))
    return None


def nesting_depth_exceeds(value: Any, limit: int) -> bool:
    """True when arrays and objects nest deeper than `limit` (iterative)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth >= limit:
                return True
            stack.extend((sub, depth + 1) for sub in (node.values() if isinstance(node, dict) else node))
    return False
