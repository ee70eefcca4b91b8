"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask import request
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()


def _remote_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_remote_address, default_limits=[], headers_enabled=True)
