"""Helpers for the export/import tests: demo data loaded, a copy of a ledger to import into."""
from __future__ import annotations

import copy
import json

import pytest

import demo
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM


@pytest.fixture
def demo_data(db):
    for key in demo.LEDGER_KEYS:
        store.create_entries(db, SYSTEM, key, demo.demo_entries(key), source="demo")
    return db


def empty_copy(db, key: str) -> str:
    """A new, empty ledger with the same definition as `key` (to re-import an export into)."""
    _, definition = query.get_ledger(db, SYSTEM, key)
    document = copy.deepcopy(definition.schema)
    document["x-ledger"]["key"] = f"{key}_copy"
    versions.save_definition(db, SYSTEM, document)
    return f"{key}_copy"


def all_data(db, key: str) -> list[str]:
    """Every live entry's data as canonical JSON, sorted (order-free comparison)."""
    _, entries = query.iter_entries(db, SYSTEM, key)
    return sorted(json.dumps(e["data"], ensure_ascii=False, sort_keys=True) for e in entries)
