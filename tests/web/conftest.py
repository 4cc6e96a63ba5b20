"""Helpers for page tests: sign in through the real login form, read CSRF tokens from pages."""
from __future__ import annotations

import re
import threading

import pytest
from werkzeug.datastructures import MultiDict

from app import create_app
from core.entries import store
from core.access.policy import SYSTEM
from tests.conftest import APP_CONFIG

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def csrf():
    """csrf(html) -> the CSRF token in a page."""
    return csrf_from


@pytest.fixture
def login(client, users):
    """login(role) signs the test client in as that role's user; returns the client."""
    def sign_in(role: str):
        token = csrf_from(client.get("/login").text)
        response = client.post("/login", data={"name": role, "password": f"{role}-password", "csrf_token": token})
        assert response.status_code == 302, response.text
        return client
    return sign_in


@pytest.fixture
def post_form(client):
    """post_form(page_url, data, action=None): fetch the page for its CSRF token, then post."""
    def post(page_url: str, data, action: str | None = None, **kwargs):
        token = csrf_from(client.get(page_url).text)
        items = list(data.items()) if isinstance(data, dict) else list(data)
        return client.post(action or page_url, data=MultiDict(items + [("csrf_token", token)]), **kwargs)
    return post


@pytest.fixture
def supervision_entry(db):
    def make(**overrides):
        data = {"content": "完成老旧小区改造立项", "source": "专题会议纪要", "unit": "区住建局",
                "deadline": "2030-06-30", "status": "立项", "progress": 20}
        data.update(overrides)
        if data["status"] == "已办结":  # the ledger's rules: a done item is at 100 % with a completion date
            data = {**data, "progress": overrides.get("progress", 100),
                    "completed_on": overrides.get("completed_on", data["deadline"])}
        return store.create_entry(db, SYSTEM, "supervision", {k: v for k, v in data.items() if v is not None})
    return make


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def both_app(request, tmp_path):
    """An app on the test database (SQLite by default) and one on PostgreSQL: for the races that
    each database must settle its own way (BEGIN IMMEDIATE, locks)."""
    url = request.getfixturevalue("database_url" if request.param == "sqlite" else "pg_url")
    app = create_app({**APP_CONFIG, "DATABASE_URL": url})
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["ledger_db"].dispose()


def arrivals(total: int):
    """A gate for racing requests: `arrive()` notes one request at the point under test and waits
    (at most 30 s) until `total` have arrived or been turned away (`leave()`), so every racer has
    passed its checks before any goes on: a race that a check outside the write would lose, lost
    every time."""
    state = {"n": 0}
    cond = threading.Condition()

    def note():
        with cond:
            state["n"] += 1
            cond.notify_all()

    def arrive():
        note()
        with cond:
            cond.wait_for(lambda: state["n"] >= total, timeout=30)

    return arrive, note
