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
