"""Stripe wire format: ids, bracket-notation params, typed param readers, errors, JSON, signing."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import string
from collections.abc import Iterable, Mapping
from typing import Any

API_VERSION = "2026-10-28.endive"  # what stripe-python 16.1 pins; events carry it
_ALPHABET = string.ascii_letters + string.digits
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_INTEGER = re.compile(r"^-?\d+$")


def new_id(prefix: str, length: int = 24) -> str:
    """An id shaped like Stripe's: prefix plus random alphanumerics."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2)


def fingerprint(*parts: Any) -> str:
    """A stable digest of a request, used to compare idempotent retries."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def sign_payload(payload: bytes, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header value: HMAC-SHA256 of ``f"{t}.{payload}"`` under the secret."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class RequestError(Exception):
    """An error answered in Stripe's shape; ``saved`` errors are replayed for their idempotency key.

    Stripe saves the result of a request once the endpoint began executing (business-rule
    refusals) but not when parameters failed validation, so those may be retried with the key.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        saved: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.saved = saved

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return {"error": error}


def missing(param: str) -> RequestError:
    return RequestError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def invalid(param: str, message: str, code: str = "parameter_invalid") -> RequestError:
    return RequestError(400, message, code=code, param=param)


def no_such(label: str, object_id: str, param: str = "id") -> RequestError:
    return RequestError(
        404, f"No such {label}: '{object_id}'", code="resource_missing", param=param
    )


def refused(message: str, code: str, param: str | None = None) -> RequestError:
    """A business-rule refusal: the endpoint ran, so the idempotency key remembers it."""
    return RequestError(400, message, code=code, param=param, saved=True)


def decode_params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0][c]=1`` pairs -> nested dicts and lists, as Stripe reads form bodies."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise invalid(key, f"Invalid parameter name: {key}")
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for depth, part in enumerate(parts):
            name = part if part != "" else str(len(node))
            if depth == len(parts) - 1:
                if isinstance(node.get(name), dict):
                    raise invalid(key, f"Invalid value for {key}: expected a hash.")
                node[name] = value
                break
            child = node.setdefault(name, {})
            if not isinstance(child, dict):
                raise invalid(key, f"Invalid value for {key}: not a hash.")
            node = child
    return {key: _listify(key, value) for key, value in root.items()}


def _listify(key: str, value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: v if key == "metadata" else _listify(k, v) for k, v in value.items()}
    if key != "metadata" and items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def get_str(
    source: Mapping[str, Any],
    key: str,
    param: str | None = None,
    *,
    required: bool = False,
    choices: Iterable[str] | None = None,
) -> str | None:
    param = param or key
    value = source.get(key)
    if value is None or value == "":
        if required:
            raise missing(param)
        return None
    if not isinstance(value, str):
        raise invalid(param, f"Invalid string: {param} must be a string.")
    allowed = list(choices) if choices is not None else None
    if allowed is not None and value not in allowed:
        raise invalid(param, f"Invalid {param}: must be one of {', '.join(allowed)}")
    return value


def get_int(
    source: Mapping[str, Any],
    key: str,
    param: str | None = None,
    *,
    required: bool = False,
    minimum: int = 0,
) -> int | None:
    param = param or key
    text = get_str(source, key, param, required=required)
    if text is None:
        return None
    if not _INTEGER.match(text):
        raise invalid(param, f"Invalid integer: {text}")
    value = int(text)
    if value < minimum:
        raise invalid(param, f"This value must be greater than or equal to {minimum}.")
    return value


def get_bool(source: Mapping[str, Any], key: str, param: str | None = None) -> bool | None:
    text = get_str(source, key, param)
    if text is None:
        return None
    if text not in ("true", "false"):
        raise invalid(param or key, f"Invalid boolean: {text}")
    return text == "true"


def get_dict(source: Mapping[str, Any], key: str, param: str | None = None) -> dict[str, Any]:
    value = source.get(key)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(param or key, f"Invalid object: {param or key} must be a hash.")
    return value


def get_list(source: Mapping[str, Any], key: str, *, required: bool = False) -> list[Any]:
    value = source.get(key)
    if value is None or value == "" or value == {}:
        if required:
            raise missing(key)
        return []
    if not isinstance(value, list):
        raise invalid(key, f"Invalid array: {key} must be an array.")
    return value


def get_metadata(source: Mapping[str, Any], key: str = "metadata") -> dict[str, str]:
    """Metadata as Stripe limits it: at most 50 string pairs; empty values drop the key."""
    raw = get_dict(source, key)
    if len(raw) > 50:
        raise invalid(key, "Metadata can have at most 50 keys.")
    result: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            raise invalid(f"{key}[{name}]", "Metadata values must be strings.")
        if len(name) > 40 or len(value) > 500:
            raise invalid(
                f"{key}[{name}]", "Metadata keys are limited to 40 characters, values to 500."
            )
        if value != "":
            result[name] = value
    return result


def public(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The object as the API shows it: bookkeeping fields (leading underscore) removed."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}
