"""A worker loads what its requests need: pypinyin's dictionaries (~55 MiB resident) only when a
definition is proposed from a spreadsheet (core/ledgers/proposal.py key_for)."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_starting_the_app_does_not_load_pypinyin(tmp_path):
    probe = ("import sys; from app import create_app; "
             f"app = create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/w.db', 'SECRET_KEY': 'x', 'TESTING': True}}); "
             "app.test_client().get('/login'); print('pypinyin' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_a_proposal_still_gets_readable_keys():
    from core.ledgers.proposal import key_for
    assert key_for("承办单位", "f1") == "cheng_ban_dan_wei"


def test_each_request_is_one_json_log_line_without_secrets(app, client, tokens, caplog):
    """The request log names path, status and user; never a query string (the set-up code, a
    search) nor a header (the bearer token)."""
    import json
    import logging
    with caplog.at_level(logging.INFO, logger="ledger.requests"):
        client.get("/setup?code=secret-setup-code")
        client.get("/api/v1/ledgers?x=1", headers={"Authorization": f"Bearer {tokens['editor']}"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "ledger.requests"]
    assert [(line["path"], line["user"]) for line in lines] == [("/setup", None), ("/api/v1/ledgers", "editor")]
    assert lines[1]["status"] == 200 and lines[1]["method"] == "GET" and lines[1]["ms"] >= 0
    text = caplog.text
    assert "secret-setup-code" not in text and tokens["editor"] not in text
