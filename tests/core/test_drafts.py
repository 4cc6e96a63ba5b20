"""Drafts (core/ledgers/drafts.py): publishing stores the version and drops the draft in one transaction."""
from __future__ import annotations

import pytest

from core.ledgers import drafts
from core.entries import query
from core.ledgers import versions
from core.access.policy import SYSTEM
from core.errors import NotFound
from tests.core.test_field_order import duty


def test_publishing_and_dropping_the_draft_are_one_transaction(edb, monkeypatch):
    versions.create_ledger(edb, SYSTEM, duty())
    drafts.save_draft(edb, SYSTEM, "duty", duty(["person", "duty_date", "shift", "notes"]))

    def failing(conn, key, seen):
        raise RuntimeError("the disk is full")
    monkeypatch.setattr(drafts, "_drop", failing)
    with pytest.raises(RuntimeError):
        drafts.publish(edb, SYSTEM, "duty")
    assert query.get_ledger(edb, SYSTEM, "duty")[1].version == 1  # no version without the drop
    assert drafts.get_draft(edb, SYSTEM, "duty")  # and the draft is still there
    monkeypatch.undo()
    definition, created = drafts.publish(edb, SYSTEM, "duty")
    assert definition.version == 2 and not created
    with pytest.raises(NotFound):
        drafts.get_draft(edb, SYSTEM, "duty")


def test_publish_without_a_document_publishes_the_stored_draft(edb):
    drafts.save_draft(edb, SYSTEM, "duty", duty())
    definition, created = drafts.publish(edb, SYSTEM, "duty")
    assert created and [f.key for f in definition.fields] == ["duty_date", "person", "shift", "notes"]
    with pytest.raises(NotFound):
        drafts.publish(edb, SYSTEM, "duty")  # no draft any more: nothing to publish


def test_a_draft_saved_while_another_is_published_is_kept(edb, monkeypatch):
    """The draft dropped is the one published: a newer one saved meanwhile stays."""
    versions.create_ledger(edb, SYSTEM, duty())
    drafts.save_draft(edb, SYSTEM, "duty", duty(["person", "duty_date", "shift", "notes"]))
    newer = duty(["notes", "person", "duty_date", "shift"])
    real = versions.save_definition

    def meanwhile(*args, **kwargs):
        drafts.save_draft(edb, SYSTEM, "duty", newer)  # another administrator saves
        return real(*args, **kwargs)
    monkeypatch.setattr(versions, "save_definition", meanwhile)
    assert drafts.publish(edb, SYSTEM, "duty")[0].version == 2
    assert drafts.get_draft(edb, SYSTEM, "duty")["document"] == newer
