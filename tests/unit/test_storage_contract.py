"""The Storage contract, run against the local disk and a real S3-compatible server (moto)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.storage import LocalStorage, Storage, StorageUnavailable, storage_spec
from core.storage_s3 import S3Storage
from tests.s3_support import REGION

MISSING = hashlib.sha256(b"never stored").hexdigest()


@pytest.fixture(params=["file", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "file":
        return LocalStorage(str(tmp_path / "uploads"))
    endpoint, bucket = request.getfixturevalue("s3_endpoint"), request.getfixturevalue("s3_bucket")
    return S3Storage(bucket, "blobs/", endpoint_url=endpoint, region=REGION)


def test_put_open_exists_size_delete_and_list(backend: Storage) -> None:
    data = b"Sand battery design notes\n" * 100
    key = backend.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert backend.put(data) == key  # storing the same content again is harmless
    assert backend.exists(key) and backend.size(key) == len(data)
    with backend.open(key) as stream:
        assert stream.read() == data
    listed = dict(backend.blobs())
    assert list(listed) == [key]
    assert abs(listed[key] - datetime.now(UTC)) < timedelta(minutes=1)
    backend.delete(key)
    backend.delete(key)  # deleting twice is not an error
    assert not backend.exists(key) and dict(backend.blobs()) == {}


def test_missing_blob_is_file_not_found(backend: Storage) -> None:
    assert not backend.exists(MISSING)
    with pytest.raises(FileNotFoundError):
        backend.open(MISSING)
    with pytest.raises(FileNotFoundError):
        backend.size(MISSING)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABC", "", MISSING.upper(), MISSING + "/x"])
def test_a_key_that_is_not_a_hash_is_refused(backend: Storage, key: str) -> None:
    for action in (backend.open, backend.exists, backend.size, backend.delete):
        with pytest.raises(ValueError, match="not a storage key"):
            action(key)


def test_listing_skips_objects_that_are_not_blobs(tmp_path: Path) -> None:
    local = LocalStorage(str(tmp_path))
    key = local.put(b"kept")
    (tmp_path / "README").write_text("not a blob")
    (tmp_path / MISSING).write_text("a hash name at the wrong place")
    assert [listed for listed, _ in local.blobs()] == [key]


def test_s3_listing_pages_through_many_objects(s3_endpoint: str, s3_bucket: str) -> None:
    backend = S3Storage(s3_bucket, "many/", endpoint_url=s3_endpoint, region=REGION)
    backend.client.put_object(Bucket=s3_bucket, Key="other/not-ours", Body=b"x")
    keys = {backend.put(str(number).encode()) for number in range(1005)}  # past one page (1000)
    assert {key for key, _ in backend.blobs()} == keys


def test_s3_failures_are_storage_unavailable(s3_endpoint: str) -> None:
    down = S3Storage("openprize", "", endpoint_url="http://127.0.0.1:9", region=REGION)
    down.client.meta.config.retries = {"max_attempts": 1}
    no_bucket = S3Storage("no-such-bucket", "", endpoint_url=s3_endpoint, region=REGION)
    for failing in (lambda: down.exists(MISSING), lambda: no_bucket.put(b"data")):
        with pytest.raises(StorageUnavailable, match="unavailable"):
            failing()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ("file", "/srv/instance/uploads")),
        ("file://files", ("file", "/srv/instance/files")),
        ("file:///var/lib/openprize", ("file", "/var/lib/openprize")),
        ("s3://openprize-files", ("s3", "openprize-files", "")),
        ("s3://openprize-files/prod//attachments/", ("s3", "openprize-files", "prod/attachments/")),
    ],
)
def test_storage_url_names_the_backend(url: str, expected: tuple[str, ...]) -> None:
    assert storage_spec({"STORAGE_URL": url}, "/srv/instance") == expected


@pytest.mark.parametrize(
    "url", ["uploads", "ftp://host/files", "s3://", "s3://Bad_Bucket/x", "file://", "s3://ab?x=1"]
)
def test_malformed_storage_url_is_refused_with_examples(url: str) -> None:
    with pytest.raises(ValueError, match=r"STORAGE_URL=.*s3://bucket/prefix"):
        storage_spec({"STORAGE_URL": url}, "/srv/instance")


def test_app_refuses_to_start_with_a_malformed_storage_url() -> None:
    from app import create_app

    with pytest.raises(RuntimeError, match="Refusing to start: STORAGE_URL='s3://Bad_Bucket'"):
        create_app({"TESTING": True, "STORAGE_URL": "s3://Bad_Bucket"})
