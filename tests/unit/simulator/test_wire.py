"""Form decoding as Stripe reads the SDK's bracket notation."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from payments.simulator.wire import RequestError, decode_params


def test_brackets_become_nested_dicts_and_indexed_lists() -> None:
    body = (
        "mode=payment&line_items[0][quantity]=1&line_items[0][price_data][unit_amount]=100"
        "&line_items[1][quantity]=2&metadata[0]=zero&metadata[key]=v&expand[]=a&expand[]=b"
    )
    assert decode_params(parse_qsl(body)) == {
        "mode": "payment",
        "line_items": [
            {"quantity": "1", "price_data": {"unit_amount": "100"}},
            {"quantity": "2"},
        ],
        "metadata": {"0": "zero", "key": "v"},
        "expand": ["a", "b"],
    }


@pytest.mark.parametrize("body", ["a=1&a[b]=2", "a[b]=2&a=1", "a]b=1"])
def test_conflicting_or_malformed_keys_are_invalid_requests(body: str) -> None:
    with pytest.raises(RequestError) as excinfo:
        decode_params(parse_qsl(body))
    assert excinfo.value.status == 400
