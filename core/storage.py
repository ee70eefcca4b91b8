"""Content-addressed file storage: attachments as local files under ``STORAGE_DIR``.

A blob's key is the SHA-256 of its bytes, so identical content is stored once and a key can be
verified by anyone holding the file. Blobs are never deleted by the app: rows that referenced a
blob may be gone (or never committed), which leaves harmless garbage that a sweep may collect.

Callers use the ``Storage`` protocol (``put``, ``open``, ``exists``, ``size``) through
``storage()``; ``LocalStorage`` is the only backend. ``use_storage`` lets an app install another
object with the same four methods; nothing installs one today, so every deployment keeps its
attachments on the local (or mounted) disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from typing import BinaryIO, Protocol

from flask import Flask, current_app

from core.errors import DomainError

_KEY = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = "openprize.storage"


class StorageUnavailable(DomainError):
    """The backend failed (disk full, network): nothing the user did wrong; they may retry."""

    status = 503
    title = "Service unavailable"


class Storage(Protocol):
    """Where uploaded files live, addressed by the SHA-256 of their content."""

    def put(self, data: bytes) -> str:
        """Store ``data`` (once per distinct content) and return its key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the blob; raises ``FileNotFoundError`` if it is missing."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...


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


def use_storage(app: Flask, backend: Storage) -> None:
    """Install another backend with the four ``Storage`` methods for ``app``."""
    app.extensions[_EXTENSION] = backend


def storage() -> Storage:
    """The current app's storage: the installed backend, else local files under ``STORAGE_DIR``."""
    instance = current_app.extensions.get(_EXTENSION)
    root = os.path.abspath(current_app.config["STORAGE_DIR"])
    # Rebuilt when STORAGE_DIR changed after start-up (tests point it at a temporary folder).
    if instance is None or (isinstance(instance, LocalStorage) and instance.root != root):
        instance = LocalStorage(root)
        current_app.extensions[_EXTENSION] = instance
    return instance
