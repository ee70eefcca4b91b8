"""Log output: the app's own loggers write to stderr under `flask run`, gunicorn and the CLI."""

from __future__ import annotations

import logging
import sys

from flask import Flask

APP_LOGGER = "openprize"
HANDLER_NAME = "openprize-stderr"
LOG_FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it per test)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(app: Flask) -> None:
    """Send the ``openprize.*`` loggers (mail, payments, voting) to stderr at ``LOG_LEVEL``.

    Neither ``flask run`` nor gunicorn configures Python's root logger, so without a handler
    of our own INFO records, e-mailed links among them, would be dropped. The loggers do not
    propagate to the root logger, so a deployment that configures the root logs them once."""
    logger = logging.getLogger(APP_LOGGER)
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False
    if not any(handler.get_name() == HANDLER_NAME for handler in logger.handlers):
        handler = StderrHandler()
        handler.set_name(HANDLER_NAME)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
