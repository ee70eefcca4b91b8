"""Content-addressed file storage: attachments on the local disk or in an S3-compatible store.

A blob's key is the SHA-256 of its bytes, so identical content is stored once and a key can be
verified by anyone holding the file. Requests never delete blobs: an upload stores its blob
before the row commits, so a failed commit leaves an unreferenced blob, which
``flask storage sweep`` (submissions/storage_cli.py) deletes once it is older than a day.

``STORAGE_URL`` picks the backend: ``file://<path>`` (``LocalStorage``; a relative path is under
the instance folder) or ``s3://bucket/prefix`` (``S3Storage`` in core/storage_s3.py, with
``S3_ENDPOINT_URL`` and ``S3_REGION``). Without it, ``STORAGE_DIR`` (default: the instance's
``uploads`` folder) is used as a local path. Callers use the ``Storage`` protocol through
``storage()``; ``use_storage`` installs another object with the same methods.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, Protocol

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from core.errors import DomainError

_KEY = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = "openprize.storage"
_SPEC = "openprize.storage.settings"


class StorageUnavailable(DomainError):
    """The backend failed (disk full, network): nothing the user did wrong; they may retry."""

    status = 503
    title = _l("Service unavailable")


class Storage(Protocol):
    """Where uploaded files live, addressed by the SHA-256 of their content."""

    def put(self, data: bytes) -> str:
        """Store ``data`` (once per distinct content) and return its key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the blob; raises ``FileNotFoundError`` if it is missing."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int:
        """The blob's length in bytes; raises ``FileNotFoundError`` if it is missing."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob; nothing happens if it is already gone."""
        ...

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key with its last write (UTC); other files under the root are skipped."""
        ...


def check_key(key: str) -> str:
    """A key is a lowercase SHA-256 hex digest, so it can never name a path of its own."""
    if not _KEY.match(key):
        raise ValueError("not a storage key")
    return key


class LocalStorage:
    """Blobs under ``root/ab/cd/<sha256>``; the two levels keep directories small."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    def path(self, key: str) -> str:
        check_key(key)
        return os.path.join(self.root, key[:2], key[2:4], key)

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        target = self.path(key)
        if os.path.exists(target):
            # Refresh its age: the sweep must not take an old orphan that a new row now uses.
            os.utime(target)
            return key
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        # Write beside the target and rename: readers never see a half-written blob, and two
        # writers of the same content both end with the same complete file.
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def size(self, key: str) -> int:
        return os.path.getsize(self.path(key))

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(key))

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        for directory, _, names in os.walk(self.root):
            for name in names:
                path = os.path.join(directory, name)
                if _KEY.match(name) and path == self.path(name):
                    with contextlib.suppress(FileNotFoundError):
                        yield name, datetime.fromtimestamp(os.path.getmtime(path), UTC)


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def storage_spec(config: Mapping[str, Any], instance_path: str) -> tuple[str, ...]:
    """What ``STORAGE_URL`` (else ``STORAGE_DIR``) names: ``("file", root)`` or
    ``("s3", bucket, prefix)``. A malformed URL raises ``ValueError`` saying what is wrong."""
    url = (config.get("STORAGE_URL") or "").strip()
    if not url:
        directory = config.get("STORAGE_DIR") or "uploads"
        return ("file", os.path.abspath(os.path.join(instance_path, directory)))
    scheme, separator, rest = url.partition("://")
    example = "file:///var/lib/openprize/uploads, file://uploads or s3://bucket/prefix"
    if not separator or scheme not in ("file", "s3") or not rest or "?" in rest or "#" in rest:
        raise ValueError(f"STORAGE_URL={url!r} is not a storage address; examples: {example}.")
    if scheme == "file":
        return ("file", os.path.abspath(os.path.join(instance_path, rest)))
    bucket, _, prefix = rest.partition("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ValueError(
            f"STORAGE_URL={url!r}: {bucket!r} is not a valid bucket name (3 to 63 lowercase "
            f"letters, digits, dots and hyphens); examples: {example}."
        )
    prefix = "/".join(part for part in prefix.split("/") if part)
    return ("s3", bucket, prefix + "/" if prefix else "")


def _build(spec: tuple[str, ...], config: Mapping[str, Any]) -> Storage:
    if spec[0] == "file":
        return LocalStorage(spec[1])
    from core.storage_s3 import S3Storage  # boto3 is imported only by S3 deployments

    return S3Storage(
        spec[1],
        spec[2],
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        region=config.get("S3_REGION") or None,
    )


def use_storage(app: Flask, backend: Storage) -> None:
    """Install another backend with the ``Storage`` methods for ``app``, whatever the settings."""
    app.extensions[_EXTENSION] = backend
    app.extensions.pop(_SPEC, None)


def storage() -> Storage:
    """The current app's storage: the installed backend, else the one the settings name."""
    extensions = current_app.extensions
    instance: Storage | None = extensions.get(_EXTENSION)
    built_for = extensions.get(_SPEC)
    if instance is not None and built_for is None:
        return instance  # installed with use_storage
    config = current_app.config
    spec = storage_spec(config, current_app.instance_path)
    spec += (config.get("S3_ENDPOINT_URL") or "", config.get("S3_REGION") or "")
    # Rebuilt when the settings changed after start-up (tests point them elsewhere).
    if instance is None or built_for != spec:
        instance = _build(spec, config)
        extensions[_EXTENSION], extensions[_SPEC] = instance, spec
    return instance
