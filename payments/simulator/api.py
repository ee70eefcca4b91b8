"""The simulator's WSGI application: Stripe's /v1 wire protocol and the /_sim test controls."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from payments.simulator import connect, objects
from payments.simulator.events import Context
from payments.simulator.store import Remembered
from payments.simulator.wire import (
    API_VERSION,
    RequestError,
    decode_params,
    dumps,
    fingerprint,
    new_id,
    public,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from payments.simulator import StripeSimulator

log = logging.getLogger(__name__)
KEY_TTL = 24 * 3600
# A key held longer than this (simulated seconds) belongs to a request whose process died.
IN_FLIGHT_TTL = 600
DROPPED_HEADER = "X-Simulator-Dropped-Connection"
Handler = Callable[..., dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    "checkout.create": objects.create_checkout_session,
    "checkout.retrieve": objects.retrieve_checkout_session,
    "checkout.expire": objects.expire_checkout_session,
    "payment_intent.retrieve": objects.retrieve_payment_intent,
    "charge.retrieve": objects.retrieve_charge,
    "refund.create": objects.create_refund,
    "refund.retrieve": objects.retrieve_refund,
    "refund.list": objects.list_refunds,
    "account.create": connect.create_account,
    "account.retrieve": connect.retrieve_account,
    "account_link.create": connect.create_account_link,
    "transfer.create": connect.create_transfer,
    "transfer.retrieve": connect.retrieve_transfer,
    "transfer.list": connect.list_transfers,
}
CONTROLS = frozenset(
    {
        "complete_checkout",
        "expire_checkout",
        "complete_onboarding",
        "request_information",
        "deauthorize",
        "fail_next",
        "create_dispute",
        "close_dispute",
        "reverse_transfer",
        "redeliver",
    }
)
URLS = Map(
    [
        Rule("/v1/checkout/sessions", methods=["POST"], endpoint="checkout.create"),
        Rule("/v1/checkout/sessions/<object_id>", methods=["GET"], endpoint="checkout.retrieve"),
        Rule(
            "/v1/checkout/sessions/<object_id>/expire", methods=["POST"], endpoint="checkout.expire"
        ),
        Rule(
            "/v1/payment_intents/<object_id>", methods=["GET"], endpoint="payment_intent.retrieve"
        ),
        Rule("/v1/charges/<object_id>", methods=["GET"], endpoint="charge.retrieve"),
        Rule("/v1/refunds", methods=["POST"], endpoint="refund.create"),
        Rule("/v1/refunds", methods=["GET"], endpoint="refund.list"),
        Rule("/v1/refunds/<object_id>", methods=["GET"], endpoint="refund.retrieve"),
        Rule("/v1/accounts", methods=["POST"], endpoint="account.create"),
        Rule("/v1/accounts/<object_id>", methods=["GET"], endpoint="account.retrieve"),
        Rule("/v1/account_links", methods=["POST"], endpoint="account_link.create"),
        Rule("/v1/transfers", methods=["POST"], endpoint="transfer.create"),
        Rule("/v1/transfers", methods=["GET"], endpoint="transfer.list"),
        Rule("/v1/transfers/<object_id>", methods=["GET"], endpoint="transfer.retrieve"),
        Rule("/_sim/events", methods=["GET"], endpoint="sim.events"),
        Rule("/_sim/objects/<kind>", methods=["GET"], endpoint="sim.objects"),
        Rule("/_sim/<action>", methods=["POST"], endpoint="sim.action"),
    ],
    strict_slashes=False,
)


def _json(
    body: Any, status: int, request_id: str, headers: dict[str, str] | None = None
) -> Response:
    text = body if isinstance(body, str) else dumps(body)
    base = {"Request-Id": request_id, "Stripe-Version": API_VERSION, "Cache-Control": "no-store"}
    return Response(text, status, {**base, **(headers or {})}, mimetype="application/json")


def _fault(status: int) -> tuple[int, str, dict[str, str]]:
    """The injected failure: a dropped connection (504 + marker header), a rate limit or a 5xx."""
    if status == 0:
        error = RequestError(504, "The connection was dropped (simulated).", type="api_error")
        return 504, dumps(error.body()), {DROPPED_HEADER: "true"}
    if status == 429:
        error = RequestError(429, "Too many requests hit the API too quickly.", code="rate_limit")
    elif status >= 500:
        error = RequestError(
            status, "Something went wrong on Stripe's end (simulated).", type="api_error"
        )
    else:
        error = RequestError(status, "Simulated failure.")
    return status, dumps(error.body()), {}


def _in_use(key: str) -> RequestError:
    return RequestError(
        409,
        "There is currently another in-progress request using this Idempotent Key (that"
        f" probably means you submitted twice, and the other request is still going through):"
        f" {key}. Please try again later.",
        type="idempotency_error",
        code="idempotency_key_in_use",
    )


def _key_reused(key: str) -> RequestError:
    return RequestError(
        400,
        "Keys for idempotent requests can only be used with the same parameters they"
        f" were first used with. Try using a key other than '{key}' if you meant to"
        " execute a different request.",
        type="idempotency_error",
    )


def _authenticate(request: Request) -> None:
    auth = request.authorization
    key = (auth.token if auth.type == "bearer" else auth.username) if auth else None
    if not key:
        raise RequestError(
            401, "You did not provide an API key. Provide it in the Authorization header."
        )
    if not key.startswith(("sk_test_", "rk_test_")):
        raise RequestError(
            401,
            f"Invalid API Key provided: {key[:8]}****. The simulator takes test keys only.",
            code="api_key_invalid",
        )


class SimulatorApp:
    """WSGI callable answering as Stripe would; state lives in the simulator's store.

    Test controls (same Bearer test key): ``POST /_sim/<control>`` with the control method's
    keyword arguments as a JSON object (``complete_checkout``, ``fail_next``…) answers
    ``{"result": …}``; ``GET /_sim/events`` and ``GET /_sim/objects/<kind>`` answer
    ``{"data": […]}``.
    """

    def __init__(self, simulator: StripeSimulator) -> None:
        self.simulator = simulator

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.respond(Request(environ))(environ, start_response)

    def respond(self, request: Request) -> Response:
        request_id = new_id("req_", 14)
        try:
            _authenticate(request)
            try:
                endpoint, args = URLS.bind_to_environ(request.environ).match()
            except HTTPException:
                raise RequestError(
                    404, f"Unrecognized request URL ({request.method}: {request.path})."
                ) from None
            if endpoint.startswith("sim."):
                return self._control(request, endpoint, args, request_id)
            return self._api(request, endpoint, args, request_id)
        except RequestError as error:
            return _json(error.body(), error.status, request_id)
        except Exception as exc:  # a simulator bug must still answer in Stripe's shape
            log.exception("Stripe simulator failed on %s %s", request.method, request.path)
            error = RequestError(500, f"Simulator error: {exc!r}", type="api_error")
            return _json(error.body(), 500, request_id)

    def _api(
        self, request: Request, endpoint: str, args: dict[str, Any], request_id: str
    ) -> Response:
        """Stripe's idempotency: a key's first answer is saved once its endpoint began
        executing (a 5xx included) and replayed for 24 hours; while the first request with a
        key runs, another with the same key gets 409 ``idempotency_key_in_use``, saved for
        nobody. A dropped connection or a 429 never reached the endpoint: nothing is saved."""
        sim = self.simulator
        source = request.form if request.method == "POST" else request.args
        params = decode_params(source.items(multi=True))
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        digest = fingerprint(request.method, request.path, params)
        now = sim.clock()
        with sim.store.transaction() as tx:
            fault = tx.take_fault(request.method, request.path)
        if fault and not fault.after_processing:
            status, body, headers = _fault(fault.status)
            if key and fault.status >= 500:
                with sim.store.transaction() as tx:
                    if tx.recall(key, now - KEY_TTL) is None and tx.claim_key(
                        key, now, now - IN_FLIGHT_TTL
                    ):
                        tx.remember(key, Remembered(digest, status, body, now))
                        tx.release_key(key)
            return _json(body, status, request_id, headers)
        with sim.store.transaction() as tx:
            replay = tx.recall(key, now - KEY_TTL) if key else None
            if key and replay is None and not tx.claim_key(key, now, now - IN_FLIGHT_TTL):
                raise _in_use(key)
        if replay is not None and replay.fingerprint != digest:
            raise _key_reused(str(key))
        outbox: list[str] = []
        if replay is None:
            try:
                sim.stall_if_asked(request.method, request.path)
                with sim.store.transaction() as tx:
                    ctx = Context(tx, now, sim.hosted_base, request_id, key)
                    status, body = self._run(HANDLERS[endpoint], ctx, params, args)
                    if key:
                        tx.remember(key, Remembered(digest, status, body, now))
                    outbox = ctx.outbox
            finally:
                if key:
                    with sim.store.transaction() as tx:
                        tx.release_key(key)
        sim.deliver_events(outbox)
        if fault:
            status, body, headers = _fault(fault.status)
            return _json(body, status, request_id, headers)
        headers = {"Idempotency-Key": key} if key else {}
        if replay is not None:
            headers["Idempotent-Replayed"] = "true"
            status, body = replay.status, replay.body
        return _json(body, status, request_id, headers)

    @staticmethod
    def _run(
        handler: Handler, ctx: Context, params: dict[str, Any], args: dict[str, Any]
    ) -> tuple[int, str]:
        """Run one endpoint; a saved refusal is an answer too, anything else aborts the request."""
        try:
            with ctx.tx.savepoint():
                return 200, dumps(public(handler(ctx, params, **args)))
        except RequestError as error:
            ctx.outbox.clear()
            if not error.saved:
                raise
            return error.status, dumps(error.body())

    def _control(
        self, request: Request, endpoint: str, args: dict[str, Any], request_id: str
    ) -> Response:
        sim = self.simulator
        if endpoint == "sim.events":
            return _json({"data": sim.events()}, 200, request_id)
        if endpoint == "sim.objects":
            return _json({"data": sim.objects(args["kind"])}, 200, request_id)
        action = args["action"]
        if action not in CONTROLS:
            raise RequestError(404, f"Unknown simulator control: {action}.")
        try:
            kwargs = json.loads(request.get_data(as_text=True) or "{}")
            result = getattr(sim, action)(**kwargs)
        except (ValueError, TypeError) as exc:
            raise RequestError(400, f"Bad arguments for {action}: {exc}") from exc
        return _json({"result": result}, 200, request_id)
