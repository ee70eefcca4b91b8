"""Public challenge pages."""

from flask import render_template
from flask.typing import ResponseReturnValue

from challenges import bp


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("challenges/home.html")
