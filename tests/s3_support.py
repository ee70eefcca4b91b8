"""A real S3-compatible server for the tests: moto's standalone server on 127.0.0.1.

One server per pytest process (so one per xdist worker) on a free port, and a fresh bucket per
test; boto3 talks to it over HTTP as it would to MinIO or R2. Nothing in boto3 is patched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer

REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        # Fake credentials for the chain boto3 reads (the environment), never real ones.
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_PROFILE", raising=False)
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    name = f"test-{uuid.uuid4().hex[:20]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION).create_bucket(Bucket=name)
    return name


def s3_settings(endpoint: str, bucket: str, prefix: str = "blobs") -> dict[str, str]:
    return {
        "STORAGE_URL": f"s3://{bucket}/{prefix}",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
    }


@pytest.fixture
def s3_apps(
    app: Flask, web_app: Flask, s3_endpoint: str, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Both test apps store attachments in a fresh bucket."""
    settings = s3_settings(s3_endpoint, s3_bucket)
    for each in (app, web_app):
        for name, value in settings.items():
            monkeypatch.setitem(each.config, name, value)
    return settings
