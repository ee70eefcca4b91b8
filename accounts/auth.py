"""Flask-Login wiring: loading the signed-in user from the session."""

from __future__ import annotations

from flask import Flask

from accounts.models import User
from core.db import db
from core.extensions import login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, stamp = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.auth_stamp == stamp else None
