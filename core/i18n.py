"""Languages: which one a viewer reads, the footer switcher, and mail in the recipient's language.

The locale is the account's setting, else the ``lang`` cookie the footer switcher sets, else the
browser's ``Accept-Language``, else English. Every user-facing string is marked with
``flask_babel.gettext`` (``_``) or ``lazy_gettext`` (``_l``, for text built at import time such
as form labels); ``make translations`` extracts them into ``core/translations`` (see README).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import Babel, Domain, force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.urls import safe_next_url

# code -> the language's own name (what the switcher shows, in that language).
LOCALES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LOCALE = "en"
LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 86400


class RequestDomain(Domain):  # type: ignore[misc]
    """Flask-Babel's message domain, finding the current catalog faster: its own lookup walks
    the request's Babel state three times and spells out the locale's name on every ``_()``,
    and a page of twenty cards makes hundreds of calls. The catalog found is kept with the
    ``Locale`` object it was found for; a request (or a ``force_locale`` block) has one
    ``Locale`` object, so the next call compares identities and is done."""

    def __init__(self, domain: str = "messages") -> None:
        super().__init__(domain=domain)
        self._last: tuple[Locale | None, NullTranslations] = (None, NullTranslations())

    def get_translations(self) -> NullTranslations:
        locale = active_locale()
        last = self._last  # one read: another thread may replace the pair, never half of it
        if locale is not None and last[0] is locale:
            return last[1]
        found: NullTranslations = super().get_translations()
        if locale is not None:
            self._last = (locale, found)
        return found


class _Babel(Babel):  # type: ignore[misc]
    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


babel = _Babel()
bp = Blueprint("i18n", __name__)


def supported(code: str | None) -> str | None:
    """``code`` when it names a language the site speaks, else None."""
    return code if code in LOCALES else None


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    if "viewer_locale" in g:
        cached: str = g.viewer_locale
        return cached
    chosen = None
    if current_user.is_authenticated:
        chosen = supported(getattr(current_user, "locale", None))
    chosen = chosen or supported(request.cookies.get(LANG_COOKIE))
    chosen = chosen or request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE
    g.viewer_locale = chosen
    return chosen


def select_timezone() -> str:
    from core.timefmt import viewer_zone  # timefmt formats in the current locale

    return viewer_zone().key if has_request_context() else "UTC"


def active_locale() -> Locale | None:
    """Flask-Babel's ``get_locale()``, quicker: once it has chosen the request's locale (or a
    ``force_locale`` block set one) the choice is read straight from its state on ``g``, one
    lookup where ``get_locale`` makes several; a page formats hundreds of values. Before that,
    or if Flask-Babel ever keeps its state elsewhere, this is ``get_locale()`` itself."""
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if isinstance(locale, Locale):
        return locale
    chosen: Locale | None = get_locale()
    return chosen


def current_locale() -> str:
    """The language the current request (or ``force_locale`` block) renders in."""
    locale = active_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def babel_locale() -> Locale:
    """The current ``Locale`` itself, for Babel's formatters (a code would be parsed again on
    every call)."""
    return active_locale() or _DEFAULT


_DEFAULT = Locale.parse(DEFAULT_LOCALE)


@contextmanager
def recipient_locale(user: Any) -> Iterator[None]:
    """Compose an e-mail in its recipient's language (their setting, else English): the
    request's language is the sender's, not the reader's."""
    code = supported(getattr(user, "locale", None)) or DEFAULT_LOCALE
    with force_locale(code):
        yield


@bp.post("/language")
def switch_language() -> ResponseReturnValue:
    """The footer's language buttons: remembered in a cookie on this browser and, when signed
    in, as the account's language (which e-mails use too). No CSRF token: the footer is on
    every page, including cached anonymous ones, and the worst a forged request can do is
    change the language; the session cookie is SameSite=Lax, so a forged cross-site POST does
    not carry the account."""
    code = supported(request.form.get("lang"))
    if code is None:
        abort(400, _("Choose one of the languages the site offers."))
    target = safe_next_url(request.form.get("next")) or url_for("challenges.home")
    response = redirect(target, code=303)
    if current_user.is_authenticated and current_user.locale != code:
        from core.db import db

        current_user.locale = code
        db.session.commit()
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=LANG_COOKIE_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _vary_on_language(response: Response) -> Response:
    """Pages differ by the language headers and cookie: shared caches must key on them."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "core/translations")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from core.extensions import csrf

    csrf.exempt(switch_language)
    app.register_blueprint(bp)
    app.after_request(_vary_on_language)
    # {% trans %} blocks collapse their whitespace, as babel.cfg's extraction does.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["LOCALES"] = LOCALES
