"""The permission matrix: role × ledger rules × unit scope × surface, 0 leaking cells.

A user of unit A (or its sub-unit A1) must never see, count, export or change unit B's entries,
through any surface: API list, entry, revisions, search, sort, report, totals, CSV, XLSX,
import, and the list and entry pages."""
from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from core.access import accounts
from core.entries import query
from core.access.policy import SYSTEM
from tests.scoping import A, B, SECRET, UNIT_RULES, setup

RULE_SETS = {
    "unit": UNIT_RULES,
    "unit-rule-for-A": [{"role": r, "actions": ["read", "create", "edit", "delete", "export", "import"],
                         "scope": "unit", "unit": "a"} for r in ("editor", "viewer")],
    "own": [{"role": r, "actions": ["read", "create", "edit", "export", "import"], "scope": "own"}
            for r in ("editor", "viewer")],
}
USERS = {"a_editor": "password-a", "a_viewer": "password-v", "a1_editor": "password-1"}
SURFACES = ["api_list", "api_entry", "revisions", "search", "sort", "report", "report_xlsx", "total", "csv",
            "xlsx", "template", "import", "edit", "delete", "page_list", "page_entry"]
LEAKS = (SECRET, B, "乙事项二")


def leaked(text: str) -> list[str]:
    return [word for word in LEAKS if word in text]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("rules", RULE_SETS)
def test_no_cell_leaks(db, client, rules, user):
    """Every surface for one (rules, user) pair; the failing cells are listed together."""
    setup(db, RULE_SETS[rules])
    secret = next(e["id"] for e in query.list_entries(db, SYSTEM, "scoped", {"code": "B-1"})["items"])
    h = {"Authorization": f"Bearer {accounts.issue_token(db, user)}"}
    leaking = []
    for surface in SURFACES:  # the pages last: they sign the client in
        try:
            check_cell(db, client, rules, user, surface, secret, h)
        except AssertionError as exc:
            leaking.append(f"{rules} × {user} × {surface}: {str(exc)[:300]}")
    assert leaking == []


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)


def check_cell(db, client, rules, user, surface, secret, h):
    base = "/api/v1/ledgers/scoped"
    if surface == "api_list":
        r = client.get(f"{base}/entries?_size=500", headers=h)
        assert r.status_code in (200, 403) and not leaked(r.text)
    elif surface == "api_entry":
        r = client.get(f"{base}/entries/{secret}", headers=h)
        assert r.status_code in (403, 404) and not leaked(r.text)
    elif surface == "revisions":
        r = client.get(f"{base}/entries/{secret}/revisions", headers=h)
        assert r.status_code in (403, 404) and not leaked(r.text)
    elif surface == "search":
        r = client.get(f"{base}/entries", query_string={"_q": "乙"}, headers=h)
        assert r.status_code in (200, 403) and not leaked(r.text)
        if r.status_code == 200:
            assert r.get_json()["total"] == 0
    elif surface == "sort":
        r = client.get(f"{base}/entries", query_string={"_sort": "-score", "_size": 1}, headers=h)
        assert r.status_code in (200, 403) and not leaked(r.text)
        if r.status_code == 200:
            assert all(item["data"]["score"] < 100 for item in r.get_json()["items"])
    elif surface == "report":
        for path in ("/reports/by_unit", "/reports/by_unit.csv"):
            r = client.get(base + path, headers=h)
            assert r.status_code in (200, 403)
            text = r.data.decode("utf-8-sig")
            assert not leaked(text) and "300" not in text
    elif surface == "report_xlsx":
        r = client.get(f"{base}/reports/by_unit.xlsx", headers=h)
        assert r.status_code in (200, 403)
        if r.status_code == 200:
            assert not leaked(xlsx_text(r.data)) and "300" not in xlsx_text(r.data)
    elif surface == "template":
        for fmt in ("csv", "xlsx"):
            r = client.get(f"{base}/template.{fmt}", headers=h)
            assert r.status_code in (200, 403)
            if r.status_code == 200:
                assert not leaked(r.data.decode("utf-8-sig") if fmt == "csv" else xlsx_text(r.data))
    elif surface == "total":
        r = client.get(f"{base}/entries", query_string={"unit": B}, headers=h)
        assert r.status_code in (200, 403) and (r.status_code == 403 or r.get_json()["total"] == 0)
        r = client.get(f"{base}/entries", query_string={"status": "办理中", "_size": 1}, headers=h)
        assert r.status_code == 403 or r.get_json()["total"] <= 1 + 1  # A-1 (and A-2), never B-1
        counted = {l["key"]: l for l in client.get("/api/v1/ledgers", headers=h).get_json()["items"]}
        assert counted.get("scoped", {"entry_count": 0})["entry_count"] <= 3
    elif surface == "csv":
        r = client.get(f"{base}/export.csv", headers=h)
        assert r.status_code in (200, 403) and not leaked(r.data.decode("utf-8-sig"))
    elif surface == "xlsx":
        r = client.get(f"{base}/export.xlsx", headers=h)
        assert r.status_code in (200, 403)
        if r.status_code == 200:
            assert not leaked(xlsx_text(r.data))
    elif surface == "import":
        for unit in (B, A):
            body = f"编号,事项,承办单位,分数\nB-1,改写,{unit},0\n".encode("utf-8")
            r = client.post(f"{base}/import?upsert=1", data=body, headers={**h, "Content-Type": "text/csv"})
            assert r.status_code in (403, 409, 422), r.text
            assert SECRET not in r.text and "乙事项二" not in r.text  # (the typed unit is echoed back)
    elif surface == "edit":
        r = client.patch(f"{base}/entries/{secret}", json={"score": 0}, headers={**h, "If-Match": '"1"'})
        assert r.status_code in (403, 404) and not leaked(r.text)
        if rules != "own":  # under "own" a new row of any unit is the creator's own
            r = client.post(f"{base}/entries", json={"code": "N", "name": "n", "unit": B}, headers=h)
            assert r.status_code == 403, r.text
    elif surface == "delete":
        r = client.delete(f"{base}/entries/{secret}", headers={**h, "If-Match": '"1"'})
        assert r.status_code in (403, 404)
    elif surface in ("page_list", "page_entry"):
        page = client.get("/login").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        csrf = found.group(1) if found else None
        assert csrf is None or client.post("/login", data={"name": user, "password": USERS[user], "csrf_token": csrf}).status_code == 302
        if surface == "page_list":
            for url in ("/ledgers/scoped", "/ledgers/scoped?_q=乙", "/", "/ledgers/scoped/reports/by_unit"):
                r = client.get(url)
                assert r.status_code in (200, 403) and not leaked(r.text), url
        else:
            r = client.get(f"/ledgers/scoped/entries/{secret}")
            assert r.status_code in (403, 404) and not leaked(r.text)
            r = client.get(f"/ledgers/scoped/entries/{secret}/edit")
            assert r.status_code in (403, 404)
    # whatever happened, B's entry is as it was
    stored = query.get_entry(db, SYSTEM, "scoped", secret)
    assert stored["version"] == 1 and stored["data"]["name"] == SECRET


@pytest.mark.parametrize("user, expected", [("a_editor", {"A-1", "A-2", "A1-1"}), ("a1_editor", {"A1-1"}),
                                            ("b_editor", {"B-1", "B-2"})])
def test_the_unit_scope_shows_exactly_the_units_rows(db, client, user, expected):
    setup(db, UNIT_RULES)
    h = {"Authorization": f"Bearer {accounts.issue_token(db, user)}"}
    body = client.get("/api/v1/ledgers/scoped/entries?_size=500", headers=h).get_json()
    assert {e["data"]["code"] for e in body["items"]} == expected and body["total"] == len(expected)


def test_without_rules_nothing_changes(db, client):
    setup(db)
    h = {"Authorization": f"Bearer {accounts.issue_token(db, 'a_viewer')}"}
    assert client.get("/api/v1/ledgers/scoped/entries", headers=h).get_json()["total"] == 5
    r = client.post("/api/v1/ledgers/scoped/entries", json={"code": "N", "name": "n", "unit": A}, headers=h)
    assert r.status_code == 403


# --- which action each surface needs, under the ledger's rules (not the role alone) ----------

ALL_ACTIONS = ["read", "create", "edit", "delete", "export", "import"]
ACTION_SURFACES = {  # surface: (method, path under /api/v1/ledgers/scoped, the actions it needs)
    "list": ("get", "/entries", {"read"}),
    "report": ("get", "/reports/by_unit", {"read"}),
    "report_csv": ("get", "/reports/by_unit.csv", {"read", "export"}),
    "report_xlsx": ("get", "/reports/by_unit.xlsx", {"read", "export"}),
    "export_csv": ("get", "/export.csv", {"read", "export"}),
    "export_xlsx": ("get", "/export.xlsx", {"read", "export"}),
    "template_csv": ("get", "/template.csv", {"import"}),
    "template_xlsx": ("get", "/template.xlsx", {"import"}),
}
GRANTS = {
    "read only": ["read"],
    "read and export": ["read", "export"],
    "read and import": ["read", "import"],
    "everything": ALL_ACTIONS,
    "nothing": [],
}


@pytest.mark.parametrize("grant", GRANTS)
@pytest.mark.parametrize("role_user", ["a_editor", "a_viewer"])
def test_each_surface_asks_the_ledgers_rules_for_its_action(db, client, grant, role_user):
    """The rules grant `grant` to both roles; every surface answers 200 exactly when the actions
    it needs are granted, whatever the role alone would allow (a viewer given import may
    download the template; an editor refused export may not download a report)."""
    role = {"a_editor": "editor", "a_viewer": "viewer"}[role_user]
    setup(db, [{"role": role, "actions": GRANTS[grant], "scope": "unit"}])
    h = {"Authorization": f"Bearer {accounts.issue_token(db, role_user)}"}
    wrong = []
    for surface, (method, path, needs) in ACTION_SURFACES.items():
        r = getattr(client, method)(f"/api/v1/ledgers/scoped{path}", headers=h)
        expected = 200 if needs <= set(GRANTS[grant]) else 403
        if r.status_code != expected:
            wrong.append(f"{surface}: {r.status_code} (expected {expected})")
    assert wrong == []


def test_report_page_offers_downloads_only_with_export(db, client):
    setup(db, [{"role": "editor", "actions": ["read"], "scope": "unit"}])
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"name": "a_editor", "password": "password-a", "csrf_token": csrf})
    html = client.get("/ledgers/scoped/reports/by_unit").text
    assert "甲科" in html and "by_unit.csv" not in html and "by_unit.xlsx" not in html
    assert client.get("/api/v1/ledgers/scoped/reports/by_unit.csv").status_code in (401, 403)


def test_a_rule_granting_define_lets_an_editor_save_the_definition(db, client):
    from tests.scoping import DOC
    setup(db, [{"role": "editor", "actions": ["read", "define"], "scope": "all"}])
    editor = {"Authorization": f"Bearer {accounts.issue_token(db, 'a_editor')}"}
    viewer = {"Authorization": f"Bearer {accounts.issue_token(db, 'a_viewer')}"}
    changed = json.loads(json.dumps(DOC))
    changed["title"] = "范围测试台帐（改）"
    assert client.put("/api/v1/ledgers/scoped", json=changed, headers=viewer).status_code == 403
    r = client.put("/api/v1/ledgers/scoped", json=changed, headers=editor)
    assert r.status_code == 200, r.text
    assert query.get_ledger(db, SYSTEM, "scoped")[1].title == "范围测试台帐（改）"
    # without the rule an editor may not, as before
    from core.access import rules as permissions
    permissions.set_permissions(db, SYSTEM, "scoped", {"default": True})
    changed["title"] = "再改"
    assert client.put("/api/v1/ledgers/scoped", json=changed, headers=editor).status_code == 403


# --- each surface in the scope of its own action, where read and the others differ ----------

EVERY_CODE = {"A-1", "A-2", "A1-1", "B-1", "B-2", "A-mine"}
REACH = {"all": EVERY_CODE, "unit": {"A-1", "A-2", "A1-1", "A-mine"}, "own": {"A-mine"}}  # for a_editor
SPLIT = {  # name: (read scope, export scope)
    "read all, export own": ("all", "own"),
    "read all, export unit": ("all", "unit"),
    "read own, export all": ("own", "all"),
    "read unit, export own": ("unit", "own"),
}


def split_setup(db, read: str, other: str, action: str = "export"):
    """The scoped ledger with editors granted read in one scope and `action` in another, and an
    entry of unit A that a_editor created (A-mine: the only row in its own scope)."""
    from core.entries import store
    from core.access.policy import Actor
    setup(db, [{"role": "editor", "actions": ["read"], "scope": read},
               {"role": "editor", "actions": [action], "scope": other}])
    store.create_entry(db, Actor("a_editor", "admin"), "scoped", {"code": "A-mine", "name": "我的事项", "unit": A})
    return {"Authorization": f"Bearer {accounts.issue_token(db, 'a_editor')}"}


def codes_in(text: str) -> set[str]:
    return {code for code in EVERY_CODE if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}


def report_count(result_rows: list[list]) -> int:
    return int(result_rows[-1][1])  # the 合计 line, the count measure


@pytest.mark.parametrize("rules", SPLIT)
def test_every_surface_reaches_the_rows_of_its_own_action(db, client, rules):
    """Lists, reports and the bulletin are reads; exports and report downloads reach only rows
    one may both read and export (an export never shows a row its reader could not see)."""
    import csv
    read, export = SPLIT[rules]
    h = split_setup(db, read, export)
    readable, exportable = REACH[read], REACH[read] & REACH[export]
    base = "/api/v1/ledgers/scoped"
    got = {}
    body = client.get(f"{base}/entries?_size=500", headers=h).get_json()
    got["list"] = {e["data"]["code"] for e in body["items"]}
    got["export.csv"] = codes_in(client.get(f"{base}/export.csv", headers=h).data.decode("utf-8-sig"))
    got["export.xlsx"] = codes_in(xlsx_text(client.get(f"{base}/export.xlsx", headers=h).data))
    got["report"] = client.get(f"{base}/reports/by_unit", headers=h).get_json()["totals"]["all"]["count"]
    lines = list(csv.reader(io.StringIO(client.get(f"{base}/reports/by_unit.csv", headers=h).data.decode("utf-8-sig"))))
    got["report.csv"] = report_count(lines)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/reports/by_unit.xlsx", headers=h).data), read_only=True)
    got["report.xlsx"] = report_count([list(r) for r in book.worksheets[0].iter_rows(values_only=True)])
    want = {"list": readable, "export.csv": exportable, "export.xlsx": exportable, "report": len(readable),
            "report.csv": len(exportable), "report.xlsx": len(exportable)}
    assert got == want
    # the bulletin is a page, a read (printing it prints what the reader sees): B-1 is due in
    # the period, so unit B appears exactly when the read scope reaches it
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"name": "a_editor", "password": "password-a", "csrf_token": csrf})
    html = client.get("/ledgers/scoped/bulletin?from=1999-01-01&to=2001-12-31").text
    assert (B in html) == ("B-1" in readable) and (A in html) == ("A-1" in readable)


@pytest.mark.parametrize("read, other", [("all", "own"), ("all", "unit"), ("unit", "own")])
def test_an_upsert_touches_only_rows_in_the_import_scope(db, client, read, other):
    h = split_setup(db, read, other, action="import")
    body = "编号,事项,承办单位,分数\n{code},改写,{unit},7\n"
    outside = sorted(REACH[read] - REACH[other] - {"B-1", "B-2"})[0] if other == "own" else "B-1"
    unit = A if outside != "B-1" else B
    r = client.post("/api/v1/ledgers/scoped/import?upsert=1", data=body.format(code=outside, unit=unit).encode(),
                    headers={**h, "Content-Type": "text/csv"})
    assert r.status_code in (403, 409, 422), r.text
    stored = query.list_entries(db, SYSTEM, "scoped", {"code": outside})["items"][0]
    assert stored["version"] == 1 and stored["data"]["name"] != "改写"
    r = client.post("/api/v1/ledgers/scoped/import?upsert=1", data=body.format(code="A-mine", unit=A).encode(),
                    headers={**h, "Content-Type": "text/csv"})
    assert r.status_code == 200 and r.get_json()["updated"] == 1, r.text


@pytest.mark.parametrize("surface", ["/export.csv", "/export.xlsx", "/reports/by_unit.csv", "/reports/by_unit.xlsx",
                                     "/template.csv", "/import"])
def test_an_action_no_rule_grants_is_refused(db, client, surface):
    """Rules grant editors read (all rows) and nothing else: export and import are refused (403)."""
    setup(db, [{"role": "editor", "actions": ["read"], "scope": "all"}])
    h = {"Authorization": f"Bearer {accounts.issue_token(db, 'a_editor')}"}
    if surface == "/import":
        r = client.post(f"/api/v1/ledgers/scoped{surface}", data="编号,事项,承办单位\nN,n,甲科\n".encode(),
                        headers={**h, "Content-Type": "text/csv"})
    else:
        r = client.get(f"/api/v1/ledgers/scoped{surface}", headers=h)
    assert r.status_code == 403 and not leaked(r.data.decode("utf-8", "replace"))
    assert client.get("/api/v1/ledgers/scoped/entries", headers=h).get_json()["total"] == 5
