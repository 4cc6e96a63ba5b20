"""The layers of the code (docs/packages.md), checked on every module, packages included.

The engine (core/) stays free of Flask, so it is usable and testable without HTTP; the access
policy is plain logic with no database; a definition is understood without entries or the
database; the pages (web/) use the engine and one shared adapter, never the API's internals.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLASK = ("flask", "flask_login", "flask_wtf", "flask_babel")


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module `path` imports, as absolute dotted names (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{p.relative_to(ROOT)} imports {name}" for p in paths for name in sorted(imported(p))
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


def test_the_walk_sees_packages_and_relative_imports():
    """The checks below would pass vacuously if the walk missed sub-packages."""
    assert any(p.parent.name == "kinds" for p in modules("core"))
    assert "core.db.models" in imported(ROOT / "core" / "db" / "counts.py") or \
        "core.db" in imported(ROOT / "core" / "db" / "counts.py")


def test_the_engine_never_imports_flask():
    assert offending(modules("core"), FLASK) == []


def test_the_access_policy_has_no_database():
    assert offending([ROOT / "core" / "access" / "policy.py"], ("sqlalchemy", "core.db")) == []


def test_a_definition_is_understood_without_entries_or_the_database():
    assert offending(modules("core/definition"), ("core.db", "core.entries", "core.ledgers",
                                                  "core.tabular")) == []


@pytest.mark.parametrize("folder", ["web", "forms"])
def test_pages_use_the_engine_and_the_shared_adapters_never_the_api(folder):
    """What both serve (the JSON error, the import run) lives in adapters.py."""
    assert offending(modules(folder), ("api",)) == []


def test_the_engine_never_imports_the_web_or_the_api():
    assert offending(modules("core"), ("web", "api", "forms", "app", "cli")) == []


def test_no_module_reaches_for_another_modules_private_names():
    """`from core.x import _helper` is a private name leaking out of its module."""
    found = []
    for path in modules("core") + modules("api") + modules("web"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("core"):
                found += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []


def test_engine_modules_stay_readable():
    """No module over 400 lines, except the one of sample data."""
    long = [f"{p.relative_to(ROOT)}: {n}" for p in modules("core")
            if (n := len(p.read_text("utf-8").splitlines())) > 400]
    assert long == []
