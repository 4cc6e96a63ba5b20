"""The tables of reporting rounds (催报, core/rounds/): a round, the items fixed when it opened,
and the reminders sent to units that had not reported. Kept beside models.py (which imports
this module last, so `Base.metadata` holds them) to keep each module short."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base, Id


class Round(Base):
    """One round of a ledger: which entries (`filter`, in the list's syntax), which fields each
    unit fills, by when; `repeat` opens the next one (`follows_id`, unique: opened once)."""

    __tablename__ = "rounds"
    __table_args__ = (Index("ix_rounds_ledger", "ledger_id", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id"))
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[dt.date] = mapped_column(Date)
    filter: Mapped[dict] = mapped_column(JSON)
    fields: Mapped[list] = mapped_column(JSON)
    repeat: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), unique=True, nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RoundItem(Base):
    """An entry asked for in a round, under the unit it had when the round opened; reported_*
    once its unit has filled the round's fields through the round."""

    __tablename__ = "round_items"
    __table_args__ = (Index("ix_round_items_entry", "entry_id"),)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(200))
    reported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reported_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class RoundReminder(Base):
    """One 催报 to one unit of a round: stored here so a notice (issue 17 item 3) can deliver it."""

    __tablename__ = "round_reminders"
    __table_args__ = (Index("ix_round_reminders_round", "round_id", "unit"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


rounds, round_items, round_reminders = Round.__table__, RoundItem.__table__, RoundReminder.__table__
