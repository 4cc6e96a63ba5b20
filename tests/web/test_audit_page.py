"""The audit trail for administrators: the /audit page and GET /api/v1/audit."""
import datetime as dt
from unittest import mock

from core.access import audit
from core.entries import query
from core.access.policy import Actor


def login(client, name):
    import re
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"name": name, "password": f"{name}-password", "csrf_token": token})


def test_admins_see_the_trail_newest_first(client, db, users):
    audit.record(db, users["editor"], "list", "supervision", filters={"_q": "<script>alert(1)</script>"})
    login(client, "admin")
    page = client.get("/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "审计记录" in html
    assert html.index("<td>登录</td>") < html.index("<td>查看列表</td>") < html.index("<td>修改定义</td>")
    assert "<script>alert(1)" not in html  # filters are shown escaped
    only = client.get("/audit?user=editor&action=list").get_data(as_text=True)
    assert "<td>查看列表</td>" in only and "<td>修改定义</td>" not in only and "共 1 条" in only
    assert client.get("/audit?from=2000-01-01&to=2000-01-02").get_data(as_text=True).count("共 0 条") == 1


def test_the_page_pages_and_refuses_bad_filters(client, db, users):
    for _ in range(3):
        audit.record(db, users["editor"], "list", "supervision")
    login(client, "admin")
    html = client.get("/audit?_size=2&_page=2").get_data(as_text=True)
    assert 'rel="prev"' in html and 'rel="next"' in html
    bad = client.get("/audit?from=yesterday")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_non_admins_are_refused(app, client, users):
    assert app.test_client().get("/audit").status_code == 302  # to the login page
    login(client, "editor")
    assert client.get("/audit").status_code == 403
    assert 'href="/audit"' not in client.get("/").get_data(as_text=True)


def test_the_api_lists_and_filters(api, db, users):
    audit.record(db, users["viewer"], "list", "supervision", filters={"_size": "5"})
    answer = api("admin").get("/audit?user=viewer")
    body = answer.get_json()
    assert answer.status_code == 200 and body["total"] == 1 and body["page"] == 1
    record = body["items"][0]
    assert record["action"] == "list" and record["ledger"] == "supervision" and record["filters"] == {"_size": "5"}
    assert len(record["hash"]) == 64 and len(record["prev_hash"]) == 64
    everything = api("admin").get("/audit?_size=200").get_json()
    assert everything["items"][0]["id"] > everything["items"][-1]["id"]
    assert api("admin").get("/audit?action=define&ledger=supervision").get_json()["total"] == 1


def test_the_api_refuses_non_admins_and_bad_input(api):
    answer = api("editor").get("/audit")
    assert answer.status_code == 403 and answer.get_json()["error"]
    for query_string in ("to=2026-13-01", "_page=x", "_size=0", "from=%00"):
        bad = api("admin").get(f"/audit?{query_string}")
        assert bad.status_code == 400, query_string
        assert bad.get_json()["errors"], query_string
    assert api("admin").get("/audit?user=%00&ledger=%ED%A0%80").status_code == 200


def test_logins_and_account_changes_are_on_the_page_and_in_the_api(app, client, db, users, tokens):
    import re
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    other.post("/login", data={"name": "intruder", "password": "guess-password-1", "csrf_token": csrf},
               environ_base={"REMOTE_ADDR": "10.1.2.3"})
    login(client, "admin")
    api = {"Authorization": f"Bearer {tokens['admin']}"}
    assert client.patch("/api/v1/users/viewer", json={"role": "editor"}, headers=api).status_code == 200
    html = client.get("/audit?action=login_failed").get_data(as_text=True)
    assert "<td>intruder</td>" in html and "<td>登录失败</td>" in html and "10.1.2.3" in html and "共 1 条" in html
    assert "guess-password-1" not in html
    assert '<option value="user_role"' in html and '<option value="token_revoke"' in html
    changes = client.get("/api/v1/audit?action=user_role", headers=api).json
    assert changes["total"] == 1 and changes["items"][0]["user"] == "admin"
    assert changes["items"][0]["filters"] == {"user": "viewer", "role": "editor"}
    logins = client.get("/api/v1/audit?action=login&user=admin", headers=api).json
    assert logins["total"] == 1 and logins["items"][0]["filters"]["address"]
    assert client.get("/api/v1/audit?user=intruder", headers=api).json["total"] == 1


def test_every_action_is_offered_with_its_chinese_title(client, users):
    from core.access import audit
    from web.audit import ACTION_TITLES
    assert set(audit.ACTIONS) <= set(ACTION_TITLES)
    login(client, "admin")
    html = client.get("/audit").get_data(as_text=True)
    assert ">登录失败（login_failed）</option>" in html and ">修改单位（user_unit）</option>" in html


def test_times_and_days_are_the_offices(client, db, users):
    """A record at 17:57:30 UTC on 25 November is at 01:57:30 on the 26th in Beijing: shown so,
    and found under the 26th, not the 25th (the TIMEZONE setting, Asia/Shanghai here)."""
    late = dt.datetime(2026, 11, 25, 17, 57, 30, tzinfo=dt.timezone.utc)
    with mock.patch("core.access.audit.utcnow", return_value=late):
        audit.record(db, users["viewer"], "export", "supervision", rows=3)
    login(client, "admin")
    html = client.get("/audit?user=viewer").get_data(as_text=True)
    assert "<td>2026-11-26 01:57:30</td>" in html and "17:57:30" not in html
    assert "（UTC）" not in html
    assert "共 1 条" in client.get("/audit?user=viewer&from=2026-11-26&to=2026-11-26").get_data(as_text=True)
    assert "共 0 条" in client.get("/audit?user=viewer&from=2026-11-25&to=2026-11-25").get_data(as_text=True)
    assert "共 0 条" in client.get("/audit?user=viewer&from=2026-11-27").get_data(as_text=True)
    assert "共 1 条" in client.get("/audit?user=viewer&to=2026-11-26").get_data(as_text=True)


def test_action_titles_are_one_table(client, users):
    """The trail's rows and its filter name actions from one table; an entry's history (its
    create/update/delete) reads its titles from the same one."""
    from web import display
    from web.audit import ACTION_TITLES
    assert ACTION_TITLES is display.ACTIONS
    assert set(ACTION_TITLES) - set(audit.ACTIONS) == {"migrate"}  # a revision's, when a publish migrates
    login(client, "admin")
    html = client.get("/audit?action=login").get_data(as_text=True)
    assert "<td>登录</td>" in html and "<td>login</td>" not in html
