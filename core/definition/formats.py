"""The `format` checks of entries and definitions, each linear in the length of the value.

jsonschema's own checkers are regexes run in Python's backtracking `re` (and the one we had for
`email`, `^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$`, took 3 s on `"a@" + "." * 9990 + "@"`: 80 such
child-table rows held a worker until gunicorn killed it). Here every format is RE2 (core/definition/patterns.py:
linear, it never backtracks), plain string methods, or a library call behind a length check that
bounds its work (a hostname is at most 253 characters, an IPv6 address 45). Only the formats of
JSON Schema 2020-12 are checked (and draft 3's `color`, which jsonschema's FormatChecker applied
too); another `format` is an annotation, as the specification has it.

No format package of `jsonschema[format-nongpl]` is needed but `idna` (for `idn-hostname`);
the others (`rfc3987-syntax` alone took 2.7 s to import, building a grammar) are not imported.
"""
from __future__ import annotations

import calendar
import ipaddress
from typing import Callable

import idna
import re2
from jsonschema import FormatChecker

from core.definition.patterns import pattern_problem

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
MAX_HOSTNAME = 253
MAX_IPV4, MAX_IPV6 = 15, 45  # "255.255.255.255"; "ffff:…:ffff:255.255.255.255"


def _whole(pattern: str):
    """An RE2 regexp that must match the whole value (no `$` before a final newline)."""
    return re2.compile(f"(?:{pattern})\\z", options=_OPTIONS)


# --- dates and times (RFC 3339) ------------------------------------------------------------------

_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
_DATE_TIME = _whole(r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})[Tt]" + _TIME)
_TIME_ONLY = _whole(_TIME)
_DURATION = _whole(
    r"P(?:(?:\d+D|\d+M(?:\d+D)?|\d+Y(?:\d+M(?:\d+D)?)?)(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?"
    r"|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)|\d+W)")


def is_date(value: str) -> bool:
    """YYYY-MM-DD and a real day (Python's fromisoformat alone accepts 20260305 and 2026-W10-1).
    Ten characters are checked by hand: the commonest format of all, and RE2's call costs more
    than the check."""
    digits = value[:4] + value[5:7] + value[8:]
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or not (digits.isascii() and digits.isdigit()):
        return False
    year, month, day = int(value[:4]), int(value[5:7]), int(value[8:])
    return year > 0 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_date_time(value: str) -> bool:
    found = _DATE_TIME.match(value)
    if found is None:
        return False
    year, month, day = (int(part) for part in found.groups())
    return year > 0 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_time(value: str) -> bool:
    return _TIME_ONLY.match(value) is not None


def is_duration(value: str) -> bool:
    return _DURATION.match(value) is not None


# --- e-mail and host names -----------------------------------------------------------------------

def is_email(value: str) -> bool:
    """One `@`, no whitespace, a dot inside the domain: `^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$` in string methods."""
    local, _, domain = value.partition("@")
    return bool(local) and "@" not in domain and "." in domain[1:-1] and value.split(maxsplit=1) == [value]


_LABEL = _whole(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def is_hostname(value: str) -> bool:
    """RFC 1123 labels of letters, digits and inner hyphens, at most 253 characters (one final dot allowed)."""
    name = value[:-1] if value.endswith(".") else value
    if not name or len(name) > MAX_HOSTNAME:
        return False
    return all(_LABEL.match(label) for label in name.split("."))


def is_idn_hostname(value: str) -> bool:
    """IDNA 2008 (idna.encode), after a length check: an A-label is never shorter than its U-label."""
    if not value or len(value) > MAX_HOSTNAME + 1:
        return False
    idna.encode(value)
    return True


def is_ipv4(value: str) -> bool:
    if len(value) > MAX_IPV4:
        return False
    ipaddress.IPv4Address(value)
    return True


def is_ipv6(value: str) -> bool:
    if len(value) > MAX_IPV6:
        return False
    return not ipaddress.IPv6Address(value).scope_id


_UUID = _whole(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def is_uuid(value: str) -> bool:
    return _UUID.match(value) is not None


# --- URIs and IRIs (RFC 3986, RFC 3987) ----------------------------------------------------------

_UCSCHAR = (r"\x{A0}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFEF}\x{10000}-\x{1FFFD}\x{20000}-\x{2FFFD}"
            r"\x{30000}-\x{3FFFD}\x{40000}-\x{4FFFD}\x{50000}-\x{5FFFD}\x{60000}-\x{6FFFD}\x{70000}-\x{7FFFD}"
            r"\x{80000}-\x{8FFFD}\x{90000}-\x{9FFFD}\x{A0000}-\x{AFFFD}\x{B0000}-\x{BFFFD}\x{C0000}-\x{CFFFD}"
            r"\x{D0000}-\x{DFFFD}\x{E1000}-\x{EFFFD}")
_IPRIVATE = r"\x{E000}-\x{F8FF}\x{F0000}-\x{FFFFD}\x{100000}-\x{10FFFD}"


def _uri(iri: bool, reference: bool):
    """The RFC 3986 (or 3987) grammar as one RE2 regexp; an IP literal is captured and checked apart."""
    unreserved = r"A-Za-z0-9\-._~" + (_UCSCHAR if iri else "")
    sub_delims = r"!$&'()*+,;="
    pct = r"%[0-9A-Fa-f]{2}"
    pchar = f"(?:[{unreserved}{sub_delims}:@]|{pct})"
    nc_char = f"(?:[{unreserved}{sub_delims}@]|{pct})"  # a first segment without a scheme holds no ':'
    query = f"(?:{pchar}|[/?{_IPRIVATE if iri else ''}])*"
    fragment = f"(?:{pchar}|[/?])*"
    userinfo = f"(?:[{unreserved}{sub_delims}:]|{pct})*"
    host = (r"(?:\[(v[0-9A-Fa-f]+\.[" + r"A-Za-z0-9\-._~" + sub_delims + r":]+|[0-9A-Fa-f:.]+)\]"
            f"|(?:[{unreserved}{sub_delims}]|{pct})*)")
    authority = f"(?:{userinfo}@)?{host}(?::[0-9]*)?"
    tail = f"(?:\\?{query})?(?:#{fragment})?"
    absolute = (f"[A-Za-z][A-Za-z0-9+\\-.]*:(?://{authority}(?:/{pchar}*)*|/?(?:{pchar}+(?:/{pchar}*)*)?){tail}")
    if not reference:
        return _whole(absolute)
    relative = f"(?://{authority}(?:/{pchar}*)*|/(?:{pchar}+(?:/{pchar}*)*)?|(?:{nc_char}+(?:/{pchar}*)*)?){tail}"
    return _whole(f"{absolute}|{relative}")


_URIS = {name: _uri("iri" in name, "reference" in name) for name in ("uri", "uri-reference", "iri", "iri-reference")}


def _uri_check(name: str) -> Callable[[str], bool]:
    regexp = _URIS[name]

    def check(value: str) -> bool:
        found = regexp.match(value)
        if found is None:
            return False
        literal = next((group for group in found.groups() if group), None)  # the [IPv6] of a host
        if literal is None or literal.startswith("v"):
            return True
        return len(literal) <= MAX_IPV6 and _ipv6_literal(literal)
    check.__name__ = f"is_{name.replace('-', '_')}"
    return check


def _ipv6_literal(text: str) -> bool:
    try:
        return not ipaddress.IPv6Address(text).scope_id
    except ValueError:
        return False


# --- templates, pointers, regexes, colours -------------------------------------------------------

_VARNAME = r"(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*"
_VARSPEC = _VARNAME + r"(?::[1-9][0-9]{0,3}|\*)?"
_LITERAL = r"[\x21\x23\x24\x26\x28-\x3B\x3D\x3F-\x5B\x5D\x5F\x61-\x7A\x7E" + _UCSCHAR + _IPRIVATE + r"]|%[0-9A-Fa-f]{2}"
_URI_TEMPLATE = _whole(f"(?:{_LITERAL}|\\{{[+#./;?&]?{_VARSPEC}(?:,{_VARSPEC})*\\}})*")  # RFC 6570, level 4
_POINTER = r"(?:/(?:[^~/]|~[01])*)*"
_JSON_POINTER = _whole(_POINTER)
_RELATIVE_POINTER = _whole(f"(?:0|[1-9][0-9]*)(?:#|{_POINTER})")
_COLOR = _whole(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?")
CSS21_COLORS = frozenset({"aqua", "black", "blue", "fuchsia", "gray", "green", "lime", "maroon", "navy",
                          "olive", "orange", "purple", "red", "silver", "teal", "white", "yellow"})


def is_uri_template(value: str) -> bool:
    return _URI_TEMPLATE.match(value) is not None


def is_json_pointer(value: str) -> bool:
    return _JSON_POINTER.match(value) is not None


def is_relative_json_pointer(value: str) -> bool:
    return _RELATIVE_POINTER.match(value) is not None


def is_regex(value: str) -> bool:
    """A pattern this server can run: ECMA-262 read by RE2, at most 500 characters (core/definition/patterns.py)."""
    return pattern_problem(value) is None


def is_color(value: str) -> bool:
    return _COLOR.match(value) is not None or value.lower() in CSS21_COLORS


# --- the checker ---------------------------------------------------------------------------------

CHECKS: dict[str, Callable[[str], bool]] = {
    "date": is_date, "date-time": is_date_time, "time": is_time, "duration": is_duration,
    "email": is_email, "idn-email": is_email, "hostname": is_hostname, "idn-hostname": is_idn_hostname,
    "ipv4": is_ipv4, "ipv6": is_ipv6, "uuid": is_uuid,
    **{name: _uri_check(name) for name in _URIS},
    "uri-template": is_uri_template, "json-pointer": is_json_pointer,
    "relative-json-pointer": is_relative_json_pointer, "regex": is_regex, "color": is_color,
}


def conforms(name: str, value: object) -> bool:
    """Does `value` have format `name`? Not a string, or a format not checked here: yes."""
    check = CHECKS.get(name)
    if check is None or not isinstance(value, str):
        return True
    try:
        return check(value)
    except ValueError:  # ipaddress's and idna's refusals (UnicodeError is a ValueError)
        return False


FORMAT_CHECKER = FormatChecker(())
for _name in CHECKS:
    FORMAT_CHECKER.checks(_name)(lambda value, _name=_name: conforms(_name, value))
