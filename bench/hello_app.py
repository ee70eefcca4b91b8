"""Minimal Flask app, served like OpenPrize, as the baseline every page is compared with."""

from flask import Flask


def create_app() -> Flask:
    """A Flask app whose only route, ``/``, answers ``hello``."""
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "hello"

    return app
