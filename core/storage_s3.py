"""Blobs in an S3-compatible object store (AWS S3, MinIO, Cloudflare R2) through boto3.

Keys are ``<prefix>ab/cd/<sha256>`` as on disk. Credentials come from boto3's usual chain
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role). A missing object is a
``FileNotFoundError`` as the ``Storage`` protocol says; every other backend failure (endpoint
down, access denied, no such bucket, no credentials) is ``StorageUnavailable`` (a 503 page).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, NoReturn, TypeVar, cast
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask_babel import gettext as _

from core.storage import _KEY, StorageUnavailable, check_key

T = TypeVar("T")
log = logging.getLogger(__name__)
_MISSING = {"404", "NoSuchKey", "NotFound"}
# An existing blob older than this is rewritten in place (a server-side copy) when uploaded
# again, so the sweep, which takes orphans older than a day, sees it as fresh.
REFRESH_AFTER = timedelta(hours=1)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the UTF-8 one (RFC 6266)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class S3Storage:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        self.bucket, self.prefix = bucket, prefix
        config = Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            signature_version="s3v4",
        )
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )

    def object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}{key[:2]}/{key[2:4]}/{key}"

    def _call(self, key: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _MISSING:
                raise FileNotFoundError(f"no blob {key} in s3://{self.bucket}") from error
            self._unavailable(error)
        except BotoCoreError as error:
            self._unavailable(error)

    def _unavailable(self, error: Exception) -> NoReturn:
        log.error("object storage s3://%s failed: %s", self.bucket, error)
        raise StorageUnavailable(
            _("File storage is unavailable at the moment. Please try again in a few minutes.")
        ) from error

    def _head(self, key: str) -> dict[str, Any]:
        name = self.object_key(key)
        return self._call(key, lambda: self.client.head_object(Bucket=self.bucket, Key=name))

    def put(self, data: bytes) -> str:
        """Skips the upload when the object exists: the key is the content's hash, so the
        stored bytes are these bytes, and a HEAD is cheaper than sending up to MAX_UPLOAD_MB
        again. An old object is copied onto itself to refresh its age for the sweep."""
        key = hashlib.sha256(data).hexdigest()
        name = self.object_key(key)
        try:
            modified = self._head(key)["LastModified"]
        except FileNotFoundError:
            self._call(key, lambda: self.client.put_object(Bucket=self.bucket, Key=name, Body=data))
            return key
        if modified < datetime.now(UTC) - REFRESH_AFTER:
            source = {"Bucket": self.bucket, "Key": name}
            self._call(
                key,
                lambda: self.client.copy_object(
                    Bucket=self.bucket,
                    Key=name,
                    CopySource=source,
                    MetadataDirective="REPLACE",
                    Metadata={"refreshed": datetime.now(UTC).isoformat()},
                ),
            )
        return key

    def open(self, key: str) -> BinaryIO:
        """The object's body as a stream: read in chunks, never loaded whole."""
        name = self.object_key(key)
        answer = self._call(key, lambda: self.client.get_object(Bucket=self.bucket, Key=name))
        return cast(BinaryIO, answer["Body"])

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def delete(self, key: str) -> None:
        name = self.object_key(key)
        self._call(key, lambda: self.client.delete_object(Bucket=self.bucket, Key=name))

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        iterator = iter(pages)
        while page := self._call("", lambda: next(iterator, None)):
            for item in page.get("Contents", []):
                key = item["Key"].rsplit("/", 1)[-1]
                if _KEY.match(key) and item["Key"] == self.object_key(key):
                    yield key, item["LastModified"]

    def download_url(self, key: str, *, filename: str, content_type: str, expires: int) -> str:
        """A presigned GET valid for ``expires`` seconds that downloads as ``filename``."""
        params = {
            "Bucket": self.bucket,
            "Key": self.object_key(key),
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": content_type,
            "ResponseCacheControl": "private, no-cache",
        }
        return str(
            self._call(
                key,
                lambda: self.client.generate_presigned_url(
                    "get_object", Params=params, ExpiresIn=expires
                ),
            )
        )
