"""Flask-Login wiring: each sign-in is a server-side session (accounts.sessions)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from accounts.models import User
from accounts.policies import is_signed_in
from accounts.sessions import end_session, start_session, user_for_session
from core.extensions import login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.localize_callback = str  # the lazy text, in the language of the request
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        return user_for_session(session_token)

    @app.before_request
    def load_user_first() -> None:
        # Loading may refresh the session's last-seen time with a commit: do it before the
        # view has pending changes of its own, not lazily halfway through.
        endpoint = request.endpoint or ""
        if endpoint != "static" and not endpoint.endswith(".static"):
            current_user._get_current_object()


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a session for ``user`` in this browser (remembered across restarts if asked)."""
    start_session(user)
    login_user(user, remember=remember)


def sign_out() -> None:
    """End this browser's session on the server, then forget it in the browser."""
    if is_signed_in(current_user):
        end_session(actor=current_user)
    logout_user()
