"""`_due`, `_sort=_due` and `nin` through the API and the exports; documented in OpenAPI."""
import csv
import datetime as dt
import io

import pytest

from core.entries import store
from core.access.policy import SYSTEM
from core.settings import local_today

BASE = {"content": "事项", "source": "专题会议纪要", "unit": "区住建局"}


def day(offset: int) -> str:
    return (local_today() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def items(db):
    """Items in several workflow states: loaded by the system, as migrated data (people start at 立项)."""
    made = {}
    for name, offset, status in [("late", -2, "交办"), ("done", -2, "已办结"), ("soon", 5, "办理中"),
                                 ("later", 30, "立项")]:
        done = {"progress": 100, "completed_on": day(offset)} if status == "已办结" else {}
        entry = store.create_entry(db, SYSTEM, "supervision",
                                   BASE | {"content": name, "deadline": day(offset), "status": status} | done)
        made[name] = entry["id"]
    return made


def contents(response):
    assert response.status_code == 200, response.get_json()
    return [e["data"]["content"] for e in response.get_json()["items"]]


def test_due_filters_and_sort(api, items):
    get = api("viewer").get
    assert contents(get("/ledgers/supervision/entries?_due=overdue")) == ["late"]
    assert contents(get("/ledgers/supervision/entries?_due=soon")) == ["soon"]
    assert contents(get("/ledgers/supervision/entries?_due=soon&_due_days=30")) == ["soon", "later"]
    assert sorted(contents(get("/ledgers/supervision/entries?_due=open"))) == ["late", "later", "soon"]
    assert contents(get("/ledgers/supervision/entries?_sort=_due")) == ["late", "soon", "later", "done"]
    # the definition's declared sort (`_due`) is the API's default, as it is the list page's
    assert contents(get("/ledgers/supervision/entries")) == ["late", "soon", "later", "done"]
    assert contents(get("/ledgers/supervision/entries?_sort=-deadline")) == ["later", "soon", "done", "late"]


def test_nin_through_the_api(api, items):
    got = contents(api("viewer").get("/ledgers/supervision/entries?status__nin=已办结,立项&_sort=_due"))
    assert got == ["late", "soon"]


@pytest.mark.parametrize("query,words", [
    ("/ledgers/fixed_assets/entries?_due=overdue", "没有设置超期规则"),
    ("/ledgers/fixed_assets/entries?_sort=_due", "没有设置超期规则"),
    ("/ledgers/supervision/entries?_due=later", "_due"),
    ("/ledgers/supervision/entries?_due=soon&_due_days=-1", "_due_days"),
    ("/ledgers/supervision/entries?status__nope=交办", "不支持的条件"),
    ("/ledgers/fixed_assets/export.csv?_due=open", "没有设置超期规则"),
])
def test_bad_due_parameters_are_400_in_chinese(api, query, words):
    response = api("viewer").get(query)
    assert response.status_code == 400
    body = response.get_json()
    assert words in body["error"] and "errors" in body


def test_exports_take_due(api, items):
    response = api("viewer").get("/ledgers/supervision/export.csv?_due=overdue&header=key")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [r["content"] for r in rows] == ["late"]
    xlsx = api("viewer").get("/ledgers/supervision/export.xlsx?_due=soon&_sort=_due")
    assert xlsx.status_code == 200


def test_openapi_documents_due_and_nin(client):
    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/ledgers/{key}/entries"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"_due", "_due_days"} <= names and "nin" in listing["summary"]
    due = next(p for p in listing["parameters"] if p["name"] == "_due")
    assert due["schema"]["enum"] == ["overdue", "soon", "open"]
    export = document["paths"]["/ledgers/{key}/export.csv"]["get"]
    assert "_due" in {p["name"] for p in export["parameters"]}
