"""The audit trail page (administrators): newest first, filtered by user, ledger, action and
dates, paged. Parse, call core, render."""
from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from core.access import audit

from .display import ACTIONS

bp = Blueprint("audit", __name__)

FILTERS = ("user", "ledger", "action", "from", "to")
ACTION_TITLES = ACTIONS  # one table of action names (web/display.py)


@bp.get("/audit")
@login_required
def index():
    page = audit.list_records(current_app.extensions["ledger_db"], current_user.actor, request.args)
    pages = max(1, math.ceil(page["total"] / page["size"]))
    args = {name: request.args.get(name, "") for name in FILTERS}
    return render_template("audit.html", page=page, pages=pages, args=args,
                           actions=[(a, ACTION_TITLES.get(a, a)) for a in audit.ACTIONS])
