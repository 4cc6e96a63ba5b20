"""The engine stays free of Flask, so it is usable and testable without HTTP."""
import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "core"


def test_core_never_imports_flask():
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] in ("flask", "flask_login", "flask_wtf") for n in names), path.name
