"""`pattern`s in a definition run in RE2, an engine whose time is linear in the text.

Python's `re` backtracks: `^(a+)+$` against thirty characters held a worker for 30 s, and no
static check finds every such shape (under allOf, not, anyOf, beside a $ref, `^(a|aa)*$`,
`^a*a*a*a*b`). RE2 never backtracks, so every pattern of a definition, wherever it sits, is
compiled and run by RE2; what cannot run in linear time (look-ahead, look-behind,
back-references, possessive quantifiers, atomic groups) is refused when the definition is
checked, and the message names it.

JSON Schema patterns are ECMA-262 (with the `u` flag, as JSON Schema 2020-12 asks), and RE2
spells some things differently, so a pattern is translated before RE2 compiles it:
`\\uXXXX` (surrogate pairs joined) and `\\u{…}` become `\\x{…}`; `\\s`, `\\S` and `.` keep
ECMA's meaning (`\\s` includes the full-width space U+3000, `.` stops at \\r, U+2028 and
U+2029 too); `[^]` is any character and `[]` none; `\\cX`, `\\0`, `[\\b]`, `(?<name>…)`,
escaped punctuation such as `\\/` and `\\〔`, and a `{` that is no quantifier are read as
ECMA reads them; `\\p{Script=Han}` and `\\p{Letter}` become RE2's `\\p{Han}` and `\\p{L}`.
`\\d`, `\\w` and `\\b` are ASCII in both. Python's `\\Z` (end of text) is read as RE2's `\\z`,
and RE2's own escapes (`\\z`, `\\A`, `\\pL`, `\\x{…}`) are left to RE2.
"""
from __future__ import annotations

import re
from functools import lru_cache

import re2

MAX_PATTERN_LENGTH = 500
MAX_REPEAT = 1000  # RE2's limit on a counted repetition such as {1000}

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported in Chinese, not logged by the engine

# ECMA-262 WhiteSpace and LineTerminator (what `\s` matches), and the line terminators `.` skips.
_SPACES = ((0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
           (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF))
_LAST = 0x10FFFF
_QUANTIFIER = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")  # run on the pattern (≤ 500 characters), not on data
_GENERAL_CATEGORIES = {
    "Letter": "L", "Cased_Letter": "L", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
    "Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M",
    "Combining_Mark": "M", "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me",
    "Number": "N", "Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No",
    "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd",
    "Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
    "Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm",
    "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Other_Symbol": "So", "Separator": "Z",
    "Space_Separator": "Zs", "Line_Separator": "Zl", "Paragraph_Separator": "Zp", "Other": "C",
    "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs", "Private_Use": "Co",
    "Unassigned": "Cn",
}
_UNSUPPORTED = "，RE2 无法在线性时间内运行（为防止录入拖垮服务器，正则表达式由线性时间的 RE2 引擎执行），请改写"


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message is Chinese."""


def _hex(cp: int) -> str:
    return f"\\x{{{cp:X}}}"


def _ranges(ranges) -> str:
    return "".join(_hex(lo) if lo == hi else f"{_hex(lo)}-{_hex(hi)}" for lo, hi in ranges)


def _complement(ranges) -> list[tuple[int, int]]:
    out, start = [], 0
    for lo, hi in ranges:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    return out + ([(start, _LAST)] if start <= _LAST else [])


_SPACE = _ranges(_SPACES)
_NOT_SPACE = _ranges(_complement(_SPACES))
_DOT = "[^\\n\\r\\x{2028}\\x{2029}]"


def _refused(what: str) -> PatternError:
    return PatternError(f"正则表达式无法编译：使用了{what}{_UNSUPPORTED}")


class _Translation:
    """One pass over an ECMA-262 pattern, writing the RE2 pattern that means the same."""

    def __init__(self, source: str):
        self.s, self.i, self.out = source, 0, []

    def peek(self, n: int = 0) -> str:
        return self.s[self.i + n] if self.i + n < len(self.s) else ""

    def run(self) -> str:
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "\\":
                self.out.append(self.escape(in_class=False))
            elif ch == "[":
                self.out.append(self.char_class())
            elif ch == "(":
                self.out.append(self.group())
            elif ch in "*+?":
                self.i += 1
                self.out.append(ch + self.after_quantifier())
            elif ch == "{":
                self.out.append(self.braces())
            elif ch == ".":
                self.i += 1
                self.out.append(_DOT)
            elif ch in "}]":
                self.i += 1
                self.out.append("\\" + ch)
            else:
                self.i += 1
                self.out.append(ch)
        return "".join(self.out)

    # --- outside a class ---------------------------------------------------------------------

    def group(self) -> str:
        rest = self.s[self.i:self.i + 4]
        if rest.startswith(("(?=", "(?!")):
            raise _refused(f"先行断言 {rest[:3]}…)")
        if rest.startswith(("(?<=", "(?<!")):
            raise _refused(f"后行断言 {rest}…)")
        if rest.startswith("(?>"):
            raise _refused("原子组 (?>…)")
        if rest.startswith("(?<"):  # a named group: RE2 spells it (?P<name>…)
            self.i += 3
            return "(?P<"
        if rest.startswith("(?"):  # (?: and RE2's own (?P<name> and (?i) flags
            self.i += 2
            return "(?"
        self.i += 1
        return "("

    def braces(self) -> str:
        found = _QUANTIFIER.match(self.s, self.i)
        if found is None:  # ECMA reads a `{` that starts no quantifier as itself
            self.i += 1
            return "\\{"
        low, comma, high = found.groups()
        for number in (low, high):
            if number and int(number) > MAX_REPEAT:
                raise PatternError(f"正则表达式无法编译：重复次数 {{{found.group()[1:-1]}}} 超过上限 {MAX_REPEAT}")
        if high and int(high) < int(low):
            raise PatternError(f"正则表达式无法编译：重复次数 {found.group()} 的上限小于下限")
        self.i = found.end()
        return found.group() + self.after_quantifier()

    def after_quantifier(self) -> str:
        """The lazy `?` after a quantifier; a possessive `+` is refused, naming it."""
        if self.peek() == "+":
            raise _refused("占有量词（如 a++、a*+）")
        if self.peek() == "?":
            self.i += 1
            return "?"
        return ""

    # --- escapes, in and out of a class ---------------------------------------------------------

    def escape(self, in_class: bool) -> str:
        """The RE2 text of the escape at self.i (a backslash); in a class, class text."""
        shape, value = self.read_escape(in_class)
        if shape == "char":
            return _hex(value) if in_class or value > 0x7E or not value or not chr(value).isprintable() \
                else re2.escape(chr(value))
        return value

    def read_escape(self, in_class: bool) -> tuple[str, object]:
        """("char", code point) or ("text", RE2 text) for the escape at self.i."""
        s, start = self.s, self.i
        letter = self.peek(1)
        if not letter:
            raise PatternError("正则表达式无法编译：末尾的反斜杠 \\ 没有转义任何字符")
        self.i += 2
        if letter == "u":
            return "char", self.unicode_escape()
        if letter == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", s[self.i:self.i + 2]):
            self.i += 2
            return "char", int(s[self.i - 2:self.i], 16)
        if letter == "c" and self.peek().isascii() and self.peek().isalpha():
            self.i += 1
            return "char", ord(s[self.i - 1]) % 32
        if letter == "0":
            if self.peek().isdigit():
                raise PatternError("正则表达式无法编译：不支持八进制转义 \\0…，请改用 \\x 或 \\u")
            return "char", 0
        if letter.isdigit() and not in_class:
            raise _refused(f"反向引用 \\{letter}")
        if letter == "k" and self.peek() == "<":
            raise _refused("命名反向引用 \\k<…>")
        if letter in "sS":
            text = _SPACE if letter == "s" else _NOT_SPACE
            return "text", text if in_class else ("[" if letter == "s" else "[^") + _SPACE + "]"
        if letter == "b" and in_class:
            return "char", 8
        if letter == "Z" and not in_class:
            return "text", "\\z"
        if letter in "pP" and self.peek() == "{":
            return "text", self.property(letter)
        if letter.isascii() and letter.isalnum():  # \d \w \b \n \t … and RE2's own (\z, \A, \pL …)
            return "text", "\\" + letter
        if not letter.isascii() or letter == "_":  # ECMA's identity escape: \〔 is 〔
            return "char", ord(letter)
        return "text", "\\" + letter  # escaped punctuation reads alike

    def unicode_escape(self) -> int:
        """\\uXXXX (a surrogate pair joined into one character) or \\u{…}; self.i after the `u`."""
        s = self.s
        braced = re.match(r"\{([0-9A-Fa-f]{1,6})\}", s[self.i:self.i + 8])
        if braced:
            self.i += braced.end()
            cp = int(braced.group(1), 16)
            if cp > _LAST:
                raise PatternError(f"正则表达式无法编译：\\u{{{braced.group(1)}}} 超出 Unicode 范围")
        elif re.fullmatch(r"[0-9A-Fa-f]{4}", s[self.i:self.i + 4]):
            cp = int(s[self.i:self.i + 4], 16)
            self.i += 4
            low = s[self.i:self.i + 6]
            if 0xD800 <= cp <= 0xDBFF and re.fullmatch(r"\\u[Dd][C-Fc-f][0-9A-Fa-f]{2}", low):
                cp = 0x10000 + ((cp - 0xD800) << 10) + (int(low[2:], 16) - 0xDC00)
                self.i += 6
        else:
            raise PatternError("正则表达式无法编译：\\u 后应为四位十六进制数（如 \\u4e00）或 \\u{…}")
        if 0xD800 <= cp <= 0xDFFF:
            raise PatternError(f"正则表达式无法编译：单独的代理码位 \\u{cp:04X} 不是字符，"
                               "请写成完整的字符（如 \\u{1F600} 或 \\uD83D\\uDE00）")
        return cp

    def property(self, letter: str) -> str:
        """\\p{…} in ECMA's spellings (Script=Han, sc=Han, General_Category=Letter, Letter) for RE2."""
        end = self.s.find("}", self.i)
        if end < 0:
            raise PatternError(f"正则表达式无法编译：\\{letter}{{ 缺少 }}")
        name = self.s[self.i + 1:end]
        self.i = end + 1
        prop, _, value = name.rpartition("=")
        if prop in ("General_Category", "gc", "") or prop in ("Script", "sc", "Script_Extensions", "scx"):
            value = _GENERAL_CATEGORIES.get(value, value) if prop in ("General_Category", "gc", "") else value
            return f"\\{letter}{{{value}}}"
        raise PatternError(f"正则表达式无法编译：不支持的 Unicode 属性 \\{letter}{{{name}}}")

    # --- a character class -----------------------------------------------------------------------

    def char_class(self) -> str:
        self.i += 1
        negated = self.peek() == "^"
        self.i += negated
        if self.peek() == "]":  # [] matches nothing, [^] any character
            self.i += 1
            return f"[{'' if negated else '^'}\\x{{0}}-{_hex(_LAST)}]"
        parts = []
        while self.peek() != "]":
            if not self.peek():
                raise PatternError("正则表达式无法编译：字符集合缺少 ]")
            shape, low = self.class_atom()
            if shape == "char" and self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                shape_high, high = self.class_atom()
                if shape_high == "char":
                    if high < low:
                        raise PatternError(f"正则表达式无法编译：字符范围 {chr(low)}-{chr(high)} 的顺序颠倒")
                    parts.append(f"{_hex(low)}-{_hex(high)}")
                    continue
                parts += [_hex(low), "\\-", high]  # [\d-z] and [a-\d]: the `-` is itself
                continue
            parts.append(_hex(low) if shape == "char" else low)
        self.i += 1
        return "[" + ("^" if negated else "") + "".join(parts) + "]"

    def class_atom(self) -> tuple[str, object]:
        ch = self.peek()
        if ch == "\\":
            return self.read_escape(in_class=True)
        self.i += 1
        return "char", ord(ch)


def translate(pattern: str) -> str:
    """The RE2 spelling of an ECMA-262 `pattern`; PatternError when it cannot run in linear time."""
    return _Translation(pattern).run()


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str):
    """The RE2 regexp for a definition's `pattern`; PatternError when it is refused."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"正则表达式过长（上限 {MAX_PATTERN_LENGTH} 个字符）")
    if not isinstance(pattern, str):
        raise PatternError("正则表达式应为文本")
    translated = translate(pattern)
    try:
        return re2.compile(translated, options=_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"正则表达式无法编译：{_why(detail)}") from None
    except (TypeError, ValueError) as exc:
        raise PatternError(f"正则表达式无法编译：{exc}") from None


_RE2_ERRORS = (("invalid escape sequence", "无效的转义"), ("missing )", "缺少 )"), ("unexpected )", "多余的 )"),
               ("missing ]", "缺少 ]"), ("bad repetition operator", "重复符号用法有误"),
               ("missing argument to repetition operator", "重复符号前没有内容"),
               ("invalid character class range", "无效的字符范围"), ("invalid named capture group", "无效的命名分组"),
               ("duplicate capture group name", "分组名称重复"), ("invalid perl operator", "不支持的分组写法"),
               ("invalid repetition size", "无效的重复次数"))


def _why(detail: str) -> str:
    """RE2's reason in Chinese, its own words kept after it (they quote the offending part)."""
    for english, chinese in _RE2_ERRORS:
        if detail.startswith(english):
            return f"{chinese}（{detail}）"
    return detail


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
