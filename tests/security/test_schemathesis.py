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
from hypothesis import HealthCheck, Phase, settings  # noqa: E402 - after the skip

from app import create_app  # noqa: E402
from core.access import accounts  # noqa: E402
from core.entries import definitions  # noqa: E402
from core.definition.loading import load_definition  # noqa: E402
from core.definition.examples import example_entry  # noqa: E402
from tests.conftest import shipped  # noqa: E402

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
    db.dispose()
    shutil.copy(folder / "f.db", folder / "pristine.db")
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


def _api_routes() -> set[tuple[str, str]]:
    routes = set()
    for rule in APP.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
            routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_api_route_is_a_fuzzed_operation():
    """A route missing from /openapi.json is never fuzzed: the document and Flask agree, both ways."""
    fuzzed = {(op.method.upper(), op.path) for op in (result.ok() for result in schema.get_all_operations())}
    routes = _api_routes()
    assert fuzzed == routes, {"undocumented": sorted(routes - fuzzed), "no such route": sorted(fuzzed - routes)}
    for needed in [("GET", "/units"), ("POST", "/units"), ("GET", "/users"), ("POST", "/users"),
                   ("GET", "/users/{name}"), ("PATCH", "/users/{name}"), ("GET", "/audit"),
                   ("GET", "/ledgers/{key}/permissions"), ("PUT", "/ledgers/{key}/permissions")]:
        assert needed in fuzzed, needed


def test_created_resources_link_to_their_next_operations():
    """The links the stateful phase follows: a new entry to its show, replace, update, delete and
    revisions (with its version as If-Match), a new user to show and update, a new ledger to itself
    and its entries, a new unit to the list."""
    paths = APP.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    ids = {op["operationId"] for ops in paths.values() for op in ops.values() if "operationId" in op}

    def targets(path, method):
        links = paths[path][method]["responses"]["201"]["links"]
        assert {link["operationId"] for link in links.values()} <= ids
        return {link["operationId"]: link["parameters"] for link in links.values()}

    entry = targets("/ledgers/{key}/entries", "post")
    assert set(entry) == {"showEntry", "replaceEntry", "updateEntry", "deleteEntry", "entryRevisions"}
    assert entry["deleteEntry"] == {"key": "$request.path.key", "entry_id": "$response.body#/id",
                                    "header.If-Match": "$response.body#/version"}
    assert targets("/users", "post") == {"showUser": {"name": "$response.body#/name"},
                                         "updateUser": {"name": "$response.body#/name"}}
    assert set(targets("/ledgers", "post")) == {"showLedger", "createEntry"}
    assert set(targets("/units", "post")) == {"listUnits"}


STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "8"))
SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", "15"))


class NoServerErrorWorkflow(schema.as_state_machine()):
    """Stateful phase: create, then follow the links with the real id, version and name."""

    def setup(self):
        """Each scenario starts on the database as it was made: Hypothesis must see the same
        answers to the same steps (a user created in one scenario would be a 409 in the next)."""
        folder = Path(APP.instance_path).parent
        APP.extensions["ledger_db"].dispose()
        shutil.copy(folder / "pristine.db", folder / "f.db")
        for cached in [k for k in definitions._DEFINITIONS if k[0].endswith(f"{folder / 'f.db'}")]:
            del definitions._DEFINITIONS[cached]  # a new ledger may take an id a dropped one had

    def before_call(self, case):
        """Random bodies are nearly all refused (422): a generated object body becomes a valid entry
        of a shipped ledger, so the links after it run on a real id and version. (Decided by the
        drawn case alone: Hypothesis must see the same answer to the same draw.)"""
        super().before_call(case)
        if case.headers:  # a link puts the version (an integer) into If-Match; a header is text
            case.headers = {name: str(value) for name, value in case.headers.items()}
        if case.method == "POST" and case.path == "/ledgers/{key}/entries" and isinstance(case.body, dict):
            case.path_parameters = {"key": "supervision"}
            case.body = example_entry(load_definition(shipped("supervision")))

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Bearer {APP.config['FUZZ_TOKEN']}"}}

    def after_call(self, response, case):
        super().after_call(response, case)
        CASES[f"stateful {case.method} {case.path} {response.status_code // 100}xx"] += 1

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:500])


def test_stateful_links_never_answer_5xx(fuzzed):
    before = sum(n for name, n in CASES.items() if name.startswith("stateful "))
    # generate only: the database lives on between scenarios, so a replay (shrinking) could not
    # draw the same steps again; the failing step itself is in the assertion message
    NoServerErrorWorkflow.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS, deadline=None,
                                                derandomize=True, phases=[Phase.explicit, Phase.generate],
                                                suppress_health_check=list(HealthCheck)))
    steps = {name: n for name, n in CASES.items() if name.startswith("stateful ")}
    assert sum(steps.values()) > before, "the state machine made no call"
