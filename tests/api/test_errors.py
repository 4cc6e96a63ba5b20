"""One error shape for every answer under /api/v1, whoever raised it: JSON, Chinese, its status.

Routing errors (an unknown address, a wrong method) are raised before any API view runs and
reach the app's handler, not the blueprint's; they must answer exactly like the views do.
"""
from __future__ import annotations

import io
import re

import pytest

from adapters import MESSAGES
from core.entries import query
from core.access.policy import SYSTEM
from core.definition.loading import load_definition
from core.definition.examples import example_entry
from tests.conftest import shipped

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ASSET = {"asset_no": "CL-2020-0001", "name": "公务车", "asset_class": "车辆", "status": "在用",
         "purchased_on": "2020-01-01", "original_value": 180000.0, "custodian_unit": "行政科"}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body) >= {"error", "errors"} and isinstance(body["errors"], list)
    assert CHINESE.search(body["error"]), body
    return body


@pytest.fixture
def cases(api, client, tokens, app):
    """(status, a call that must answer it) for every status the API answers with."""
    auth = {"Authorization": f"Bearer {tokens['editor']}"}
    entry = api("editor").post("/ledgers/supervision/entries", json=_valid_item(api)).get_json()
    path = f"/api/v1/ledgers/supervision/entries/{entry['id']}"
    return {
        400: lambda: client.get("/api/v1/ledgers/supervision/entries?_page=x", headers=auth),
        401: lambda: client.get("/api/v1/ledgers"),
        403: lambda: api("viewer").post("/ledgers/supervision/entries", json={}),
        404: lambda: client.get("/api/v1/no/such/route", headers=auth),
        405: lambda: client.patch("/api/v1/ledgers", headers=auth, json={}),
        409: lambda: api("admin").post("/ledgers", json=shipped("supervision")),
        412: lambda: client.put(path, headers={**auth, "If-Match": "7"}, json=_valid_item(api)),
        413: lambda: client.post("/api/v1/ledgers/supervision/entries", headers=auth,
                                 data='{"content": "' + "长" * 1_000_000 + '"}', content_type="application/json"),
        415: lambda: client.post("/api/v1/ledgers/supervision/entries", headers=auth, data="a=b",
                                 content_type="application/x-www-form-urlencoded"),
        422: lambda: api("editor").post("/ledgers/supervision/entries", json={}),
    }


def _valid_item(api) -> dict:
    return example_entry(load_definition(shipped("supervision")))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 412, 413, 415, 422])
def test_every_status_answers_one_json_shape_in_chinese(cases, status):
    assert_error(cases[status](), status)


def test_a_routing_404_says_the_same_as_a_view_404(api):
    routing = assert_error(api("viewer").get("/no/such/route"), 404)
    assert routing["error"] == MESSAGES[404]
    view = assert_error(api("viewer").get("/ledgers/ghost"), 404)
    assert "ghost" in view["error"]


def test_a_wrong_method_names_the_allowed_ones(client, tokens):
    response = client.delete("/api/v1/ledgers", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_an_unexpected_failure_is_a_json_500_without_details(api, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(query, "get_ledger", explode)
    response = api("viewer").get("/ledgers/supervision")
    body = assert_error(response, 500)
    assert "secret detail" not in response.get_data(as_text=True) and body["error"] == MESSAGES[500]


def test_two_posts_of_one_asset_number_store_one(api):
    first = api("editor").post("/ledgers/fixed_assets/entries", json=ASSET)
    assert first.status_code == 201, first.get_json()
    body = assert_error(api("editor").post("/ledgers/fixed_assets/entries", json=ASSET), 409)
    assert "资产编号" in body["error"] and body["errors"][0]["field"] == "asset_no"
    other = api("editor").post("/ledgers/fixed_assets/entries", json={**ASSET, "asset_no": "CL-2020-0002"})
    assert other.status_code == 201
    put = api("editor").put(f"/ledgers/fixed_assets/entries/{other.get_json()['id']}", json=ASSET,
                            headers={"If-Match": "1"})
    assert_error(put, 409)
    assert api("viewer").get("/ledgers/fixed_assets/entries").get_json()["total"] == 2


def test_import_flags_mean_the_same_on_the_api_and_the_page(api, client, users):
    """`yes` (and 1, true, on) turn on a dry run on both surfaces: one adapter reads them."""
    body = "维修地点,设施类型,问题描述,报修日期,处理状态\r\n东院,供电,跳闸,2026-03-05,待处理\r\n".encode()
    for word in ("yes", "1", "true", "on"):
        response = api("editor").post("/ledgers/repairs/import", data={"file": (io.BytesIO(body), "a.csv"),
                                                                        "dry_run": word},
                                      content_type="multipart/form-data")
        assert response.status_code == 200 and response.get_json()["dry_run"] is True, word
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "editor", "password": "editor-password", "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/ledgers/repairs/import").text).group(1)
    for word in ("yes", "1", "true", "on"):
        response = client.post("/ledgers/repairs/import", headers={"Accept": "application/json"},
                               data={"csrf_token": token, "file": (io.BytesIO(body), "a.csv"), "dry_run": word},
                               content_type="multipart/form-data")
        assert response.status_code == 200 and response.get_json()["dry_run"] is True, word
    assert query.get_ledger(_db(client), SYSTEM, "repairs")[0]["entry_count"] == 0


def _db(client):
    return client.application.extensions["ledger_db"]
