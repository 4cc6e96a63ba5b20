"""/api/v1/openapi.json is generated from the routes, the views' @documented metadata and the
marshmallow schemas: each test here fails when the document and the code drift apart."""
import inspect
import io

import jsonschema
import pytest
from flask import Flask
from marshmallow import Schema

import api
from api import envelopes, inputs
from api.openapi import openapi_document, openapi_path
from core.access import accounts, audit, policy
from core.definition.examples import example_entry
from core.definition.kinds import OPS
from core.definition.loading import load_definition
from core.entries import deadlines, params
from core.reports import spec as reportspec
from tests.conftest import shipped

BASES = {envelopes.Envelope, inputs.Body, inputs.Strict, inputs.Free}


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
            routes |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            yield method, path, op


def parameter(op, name):
    return next(p for p in op["parameters"] if p["name"] == name)


def test_every_route_is_documented_and_nothing_else(app, document):
    documented = {(method, path) for method, path, _ in operations(document)}
    routes = api_routes(app)
    assert documented == routes, {"undocumented": routes - documented, "no such route": documented - routes}
    assert ("get", "/openapi.json") not in documented  # the document leaves itself out


def test_the_served_document_is_the_generated_one(client, document):
    response = client.get("/api/v1/openapi.json")  # no token needed
    assert response.status_code == 200 and response.get_json() == document


def test_a_route_without_metadata_fails_the_build():
    app = Flask(__name__)
    app.register_blueprint(api.bp)
    app.add_url_rule("/api/v1/extra", "api.extra", lambda: "")
    with pytest.raises(LookupError, match="@documented"):
        openapi_document(app)


def test_one_view_two_methods_two_operations(document):
    item = document["paths"]["/ledgers/{key}/entries/{entry_id}"]
    assert (item["put"]["operationId"], item["patch"]["operationId"]) == ("replaceEntry", "updateEntry")
    assert "null" in item["patch"]["summary"] and "null" not in item["put"]["summary"]


def test_path_parameters_come_from_the_route():
    path, found = openapi_path("/ledgers/<key>/versions/<int:a>/diff/<int:b>")
    assert path == "/ledgers/{key}/versions/{a}/diff/{b}"
    assert [(p["name"], p["schema"]["type"]) for p in found] == [("key", "string"), ("a", "integer"), ("b", "integer")]
    assert all(p["in"] == "path" and p["required"] for p in found)


def schemas_of(module) -> list[type[Schema]]:
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__
            and value not in BASES and not value.__name__.endswith("Params")]


def test_every_envelope_and_body_schema_is_a_component(document):
    """A schema a view dumps or accepts that no operation names is missing from the document."""
    components = document["components"]["schemas"]
    for schema in schemas_of(envelopes) + schemas_of(inputs):
        assert schema.__name__.removesuffix("Schema") in components, schema


def test_every_schema_named_by_a_view_is_a_component(app, document):
    components = document["components"]["schemas"]
    for view in app.view_functions.values():
        for op in (getattr(view, "openapi", None) or {}).values():
            for named in (op.body, op.returns, *(op.returns if isinstance(op.returns, list) else ())):
                for schema in (named.values() if isinstance(named, dict) else [named]):
                    if inspect.isclass(schema) and issubclass(schema, Schema):
                        assert schema.__name__.removesuffix("Schema") in components, (view, schema)


def test_the_views_dump_through_the_documented_envelopes(document):
    entry = document["components"]["schemas"]["Entry"]["properties"]
    assert set(entry) == set(envelopes.EntrySchema().fields)
    assert set(document["components"]["schemas"]["Ledger"]["properties"]) == set(envelopes.LedgerSchema().fields)


def test_lists_are_core_constants(document):
    """If core gains an audit action, a role or an operator, the document names it."""
    audit_op = document["paths"]["/audit"]["get"]
    assert parameter(audit_op, "action")["schema"]["enum"] == list(audit.ACTIONS)
    assert parameter(audit_op, "_size")["schema"]["maximum"] == audit.MAX_PAGE_SIZE
    listing = document["paths"]["/ledgers/{key}/entries"]["get"]
    assert parameter(listing, "_size")["schema"]["maximum"] == params.MAX_PAGE_SIZE
    assert parameter(listing, "_size")["schema"]["default"] == params.DEFAULT_PAGE_SIZE
    assert parameter(listing, "_due")["schema"]["enum"] == list(deadlines.DUE_FILTERS)
    assert parameter(listing, "_due_days")["schema"]["maximum"] == deadlines.MAX_SOON_DAYS
    assert " ".join(op for op in OPS if op != "eq") in listing["summary"]
    schemas = document["components"]["schemas"]
    assert schemas["UserNew"]["properties"]["role"]["enum"] == list(policy.ROLES)
    assert schemas["UserNew"]["properties"]["password"]["minLength"] == accounts.MIN_PASSWORD
    rule = schemas["PermissionRule"]["properties"]
    assert rule["actions"]["items"]["enum"] == list(policy.ACTIONS)
    assert rule["scope"]["enum"] == list(policy.SCOPES)
    assert schemas["Report"]["properties"]["chart"]["enum"] == list(reportspec.CHARTS)


def test_bodies_core_refuses_extra_members_of_say_so(document):
    schemas = document["components"]["schemas"]
    assert schemas["UserNew"]["additionalProperties"] is False and schemas["UserPatch"]["minProperties"] == 1
    assert "additionalProperties" not in schemas["UnitNew"]  # core ignores unknown members there
    assert "additionalProperties" not in schemas["Entry"]  # an answer: no claim


def test_every_error_answer_is_the_error_shape(document):
    for method, path, op in operations(document):
        for status, answer in op["responses"].items():
            if status >= "400":
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, \
                    (method, path, status)
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_the_document_is_valid_openapi_3_1(document):
    """Against the OpenAPI 3.1 meta-schema schemathesis ships, and each component against JSON
    Schema 2020-12 (the 3.1 dialect)."""
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    assert document["openapi"] == "3.1.0"
    jsonschema.Draft202012Validator(definitions.OPENAPI_31).validate(document)
    for name, schema in document["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_meta_schema_check_can_fail(document):
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    broken = {**document, "paths": {"/x": {"get": {"responses": {"200": {}}}}}}  # a response needs a description
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(definitions.OPENAPI_31).validate(broken)


def conforms(document, name: str, body) -> None:
    """`body` valid against component `name`, and every member it has documented."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)
    assert set(body) <= set(document["components"]["schemas"][name]["properties"]), (name, set(body))


def test_real_answers_fit_their_components(api, document):
    """What the views send is what the document says (an answer with an undocumented member, or
    a member of another type, fails)."""
    admin = api("admin")
    conforms(document, "Ledgers", admin.get("/ledgers").get_json())
    conforms(document, "LedgerDetail", admin.get("/ledgers/supervision").get_json())
    definition = admin.get("/ledgers/supervision").get_json()["definition"]
    conforms(document, "Plan", admin.put("/ledgers/supervision?dry_run=1", json=definition).get_json())
    data = example_entry(load_definition(shipped("supervision")))
    created = admin.post("/ledgers/supervision/entries", json=data)
    assert created.status_code == 201, created.get_json()
    entry = created.get_json()
    conforms(document, "Entry", entry)
    conforms(document, "Entry", admin.get(f"/ledgers/supervision/entries/{entry['id']}").get_json())
    conforms(document, "Page", admin.get("/ledgers/supervision/entries").get_json())
    conforms(document, "Revisions", admin.get(f"/ledgers/supervision/entries/{entry['id']}/revisions").get_json())
    conforms(document, "Versions", admin.get("/ledgers/supervision/versions").get_json())
    conforms(document, "Permissions", admin.get("/ledgers/supervision/permissions").get_json())
    conforms(document, "Reports", admin.get("/ledgers/supervision/reports").get_json())
    report = admin.get("/ledgers/supervision/reports").get_json()["items"][0]["key"]
    conforms(document, "Report", admin.get(f"/ledgers/supervision/reports/{report}").get_json())
    conforms(document, "Unit", admin.post("/units", json={"key": "hq", "title": "机关"}).get_json())
    conforms(document, "Units", admin.get("/units").get_json())
    conforms(document, "User", admin.get("/users/admin").get_json())
    conforms(document, "Users", admin.get("/users").get_json())
    conforms(document, "AuditPage", admin.get("/audit").get_json())
    conforms(document, "Error", admin.get("/ledgers/nope").get_json())
    template = admin.get("/ledgers/supervision/template.csv").get_data()
    checked = admin.post("/ledgers/supervision/import", data={"file": (io.BytesIO(template), "t.csv"), "dry_run": "1"},
                         content_type="multipart/form-data")
    assert checked.status_code == 200, checked.get_json()
    conforms(document, "ImportReport", checked.get_json())
    proposed = admin.post("/ledger-proposals", data={"file": (io.BytesIO(template), "t.csv")},
                          content_type="multipart/form-data")
    conforms(document, "LedgerProposal", proposed.get_json())
    definition["title"] = "督办台帐（新）"
    conforms(document, "Draft", admin.put("/ledgers/supervision/draft", json=definition).get_json())
    conforms(document, "Published", admin.post("/ledgers/supervision/draft/publish").get_json())
    conforms(document, "Changes", admin.get("/ledgers/supervision/versions/1/diff/2").get_json())
    conforms(document, "Archived", admin.post("/ledgers/supervision/archive").get_json())


def test_conforms_can_fail(document):
    with pytest.raises(AssertionError):
        conforms(document, "Unit", {"key": "hq", "title": "机关", "colour": "red"})
    with pytest.raises(jsonschema.ValidationError):
        conforms(document, "Unit", {"key": "hq", "title": "机关", "order": "first"})
