"""Flask-Login glue: the session user wraps the engine's Actor."""
from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager, UserMixin

from core import accounts
from core.access import Actor

login_manager = LoginManager()


class SessionUser(UserMixin):
    def __init__(self, actor: Actor):
        self.actor = actor
        self.id = str(actor.id)

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def role(self) -> str:
        return self.actor.role


@login_manager.user_loader
def load_user(user_id: str):
    try:
        actor = accounts.get_user(current_app.extensions["ledger_db"], int(user_id))
    except ValueError:
        return None
    return SessionUser(actor) if actor else None


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
