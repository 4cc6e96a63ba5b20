"""The designer's modules (static/js/designer/) unit-tested in headless Chromium: a test-only page
imports tests/browser/js/run.js, which runs the plain-assertion tests of tests/browser/js/test_*.js
against the modules served by the live server, under the page's real catalogue. Each JS test is
one pytest item, failing with its own name and message. Also here: what the designer is told
about kinds and operators equals core's, and its kind recognition equals core's."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Blueprint, Flask, render_template_string

from core.definition.kinds import KINDS, OPS, kind_of
from tests.browser.support import ROOT, chrome, live_server  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from web.catalogue import designer_catalogue

pytestmark = pytest.mark.browser

JS = Path(__file__).parent / "js"
TEST_CALL = re.compile(r'^test\("((?:[^"\\]|\\.)*)"', re.M)
NAMES = [json.loads(f'"{m}"') for p in sorted(JS.glob("test_*.js")) for m in TEST_CALL.findall(p.read_text("utf-8"))]
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>designer modules</title></head>
<body><script type="application/json" id="designer-catalogue">{{ catalogue | tojson }}</script>
<script type="module" src="{{ url_for('jstests.static', filename='run.js') }}"></script></body></html>"""


def serve_tests(app: Flask) -> None:
    """/_jstests/: the test page, with the catalogue the designer page embeds, and the JS tests."""
    bp = Blueprint("jstests", __name__, static_folder=str(JS), static_url_path="/files")

    @bp.get("/")
    def page():
        return render_template_string(PAGE, catalogue=designer_catalogue())

    app.register_blueprint(bp, url_prefix="/_jstests")


@pytest.fixture(scope="module")
def page():
    with live_server("jsunit", lambda db: None, serve_tests) as url, chrome(console_logs=True) as driver:
        driver.get(url + "/_jstests/")
        try:
            WebDriverWait(driver, 30).until(lambda d: d.execute_script("return window.__jsResults !== undefined"))
        except TimeoutException:
            pytest.fail(f"the JS tests did not finish (a module failed to load?): {driver.get_log('browser')}")
        yield driver


@pytest.fixture(scope="module")
def results(page) -> dict[str, dict]:
    return {r["name"]: r for r in page.execute_script("return window.__jsResults")}


def test_every_js_test_ran_once(page, results):
    ran = [r["name"] for r in page.execute_script("return window.__jsResults")]
    assert len(ran) == len(set(ran)), "two JS tests share a name"
    assert sorted(ran) == sorted(NAMES), "the tests found in tests/browser/js/ are those that ran"
    assert len(NAMES) >= 30


@pytest.mark.parametrize("name", NAMES)
def test_js(results, name):
    result = results.get(name)
    assert result is not None, f"JS test {name!r} did not run"
    if not result["ok"]:
        pytest.fail(f"JS test {name!r} failed:\n{result['error']}", pytrace=False)


# --- the designer is told what core says ------------------------------------------------------

def test_the_catalogue_is_cores_kinds_and_operators(page):
    catalogue = json.loads(page.execute_script("return document.getElementById('designer-catalogue').textContent"))
    assert [o["op"] for o in catalogue["ops"]] == list(OPS)
    assert "nin" in OPS and all(o["label"] for o in catalogue["ops"])
    assert [k["name"] for k in catalogue["kinds"]] == list(KINDS)
    for entry in catalogue["kinds"]:
        kind = KINDS[entry["name"]]
        assert entry["label"] == kind.label and entry["rule_ops"] == list(kind.rule_ops)
        assert entry["scalar"] == kind.scalar and entry["numeric"] == kind.numeric
    # what the modules make of it: the operators and kinds they offer
    seen = page.execute_async_script("""
        var done = arguments[0];
        import('/static/js/designer/catalogue.js').then(function (m) {
          var cat = m.pageCatalogue(document);
          var ops = {};
          cat.names().forEach(function (k) { ops[k] = cat.opChoices(k).map(function (o) { return o[0] || 'eq'; }); });
          done({names: cat.names(), opNames: cat.opNames(), ops: ops});
        });""")
    assert seen["opNames"] == list(OPS) and seen["names"] == list(KINDS)
    assert seen["ops"] == {name: list(kind.rule_ops) for name, kind in KINDS.items()}


def shipped_field_schemas() -> list:
    """Every property schema of the shipped definitions, sub-fields included."""
    out = []

    def walk(container):
        for schema in (container.get("properties") or {}).values():
            out.append(schema)
            for inner in (schema.get("items"), schema):
                if isinstance(inner, dict) and isinstance(inner.get("properties"), dict) and inner is not container:
                    walk(inner)

    for path in sorted((ROOT / "schemas").glob("*.json")):
        walk(json.loads(path.read_text("utf-8")))
    return out


EDGES = [{"type": "string", "format": "ipv4"}, {"type": "null"}, {"type": "array"}, {"type": "object"},
         {"type": "number", "multipleOf": 0.01}, {"type": "number", "x-widget": "money"},
         {"type": "string", "x-widget": "textarea", "format": "date"}, {"type": "string", "enum": ["a"], "format": "email"},
         {"type": "array", "items": {"type": "string"}}, {"type": "array", "items": {"type": "object"}},
         {"type": "string", "x-widget": "textarea"}, {"type": "integer", "enum": [1, 2]}]


def test_the_modules_recognise_kinds_as_core_does(page):
    """kindOf (static/js/designer/kinds.js) against core's kind_of: every shipped field, the
    designer's own template of every kind, and edge cases."""
    templates = page.execute_async_script("""
        var names = arguments[0], done = arguments[1];
        import('/static/js/designer/kinds.js').then(function (m) {
          done(names.map(function (k) { return m.template(k); }));
        });""", list(KINDS))
    assert [kind_of(t) for t in templates] == list(KINDS)  # core reads each template as its kind
    schemas = shipped_field_schemas() + templates + EDGES
    assert len(schemas) > 40
    theirs = page.execute_async_script("""
        var schemas = arguments[0], done = arguments[1];
        import('/static/js/designer/kinds.js').then(function (m) { done(schemas.map(m.kindOf)); });""", schemas)
    mismatches = [(s, ours, kind_of(s)) for s, ours in zip(schemas, theirs) if ours != kind_of(s)]
    assert not mismatches
