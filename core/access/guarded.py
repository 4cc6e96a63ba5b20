"""A ledger row with its permission rules, read for the policy (core/access/policy.py), which
itself touches no database."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.access.policy import Guarded, usable_rules
from core.db.models import ledger_permissions


def with_rules(conn: Any, row: Any) -> Guarded:
    """The ledger row `row` with its permission rules loaded (one primary-key read): the rules
    that still read; one that no longer does (an unknown role, action or scope) grants nothing,
    and `policy.rule_problems` says so (core/access/rules.problems: the ledger page and the API)."""
    stored = conn.execute(select(ledger_permissions.c.rules)
                          .where(ledger_permissions.c.ledger_id == row.id)).scalar()
    return Guarded(dict(row._mapping), permissions=usable_rules(stored), stored_permissions=stored)
