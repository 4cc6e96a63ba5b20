"""Every operation of /api/v1/openapi.json, fuzzed by schemathesis: no answer is a 5xx.

The default run is small and deterministic (SCHEMATHESIS_EXAMPLES, 30 per operation); the long
run is documented in docs/testing.md (SCHEMATHESIS_EXAMPLES=1000). SCHEMATHESIS_REPORT=<file>
writes the number of cases run per operation there (the figures docs/testing.md quotes).
"""
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402 - after the skip

from app import create_app  # noqa: E402
from core import accounts  # noqa: E402

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))
CASES: Counter = Counter()


def _app():
    """One app on a throw-away SQLite file, built when the module is collected (schemathesis reads
    the schema then; its `from_fixture` does not work with this pytest)."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'f.db'}", "SECRET_KEY": "test-secret"})
    app.instance_path = str(folder / "instance")
    db = app.extensions["ledger_db"]
    accounts.create_user(db, "admin", "admin", "admin-password")
    app.config["FUZZ_TOKEN"] = accounts.issue_token(db, "admin")
    return app


APP = _app()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module")
def fuzzed():
    yield APP
    if os.environ.get("SCHEMATHESIS_REPORT"):
        Path(os.environ["SCHEMATHESIS_REPORT"]).write_text(json.dumps(
            {"operations": len(CASES), "cases": sum(CASES.values()), "per_operation": dict(sorted(CASES.items()))},
            ensure_ascii=False, indent=1))
    APP.extensions["ledger_db"].dispose()
    shutil.rmtree(Path(APP.instance_path).parent, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case, fuzzed):
    CASES[f"{case.method} {case.path}"] += 1
    response = case.call(headers={"Authorization": f"Bearer {fuzzed.config['FUZZ_TOKEN']}"})
    assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:500])
