"""The S3 backend (`s3://<bucket>/<prefix>`): AWS S3, MinIO, or any S3-compatible server.

One boto3 client per process and configuration, made on first use and shared by every thread
(boto3 clients are thread-safe; sessions are not, so the lock covers making it); a forked
process (gunicorn workers, Celery) makes its own instead of sharing the parent's connections.
Credentials and region come from boto3's usual chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION, an instance role); `PERISAI_S3_ENDPOINT_URL` names a server other than AWS.
Nothing is kept on local disk. boto3's exceptions never leave this module: they become
StorageError (503) or ObjectMissing (404).
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Iterator
from typing import BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from perisai.storage.base import ObjectMissing, Storage, StorageError, check_key, check_prefix

_TRANSFER = TransferConfig(multipart_threshold=16 * 1024 * 1024, max_concurrency=4)
_CONFIG = Config(
    retries={"max_attempts": 4, "mode": "standard"},
    connect_timeout=5,
    read_timeout=60,
    s3={"addressing_style": "path"},  # MinIO and moto answer on one host, not bucket.host
)
_CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidClientTokenId",
    "ExpiredToken",
    "InvalidToken",
}
_MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
_clients: dict[tuple, object] = {}
_lock = threading.Lock()


def client(endpoint_url: str | None, region: str | None):
    """This process's client for that endpoint and region, made once."""
    key = (os.getpid(), endpoint_url, region)
    if (found := _clients.get(key)) is not None:
        return found
    with _lock:
        if (found := _clients.get(key)) is None:
            session = boto3.session.Session()
            found = session.client(
                "s3", endpoint_url=endpoint_url, region_name=region, config=_CONFIG
            )
            _clients[key] = found
    return found


def reset_clients() -> None:
    """Forget the clients (credentials changed: tests, a rotated key)."""
    with _lock:
        _clients.clear()


def _error(error: Exception, key: str | None = None) -> Exception:
    """boto3's exception as ours; the message names the cause, never a credential."""
    if isinstance(error, NoCredentialsError):
        return StorageError("storage.credentials")
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in _MISSING_CODES and key is not None:
            return ObjectMissing()
        if code in _CREDENTIAL_CODES or code == "403":
            return StorageError("storage.credentials")
        if code == "NoSuchBucket":
            return StorageError("storage.no_bucket")
        return StorageError(f"storage.unavailable|{code or 'S3'}")
    return StorageError(f"storage.unavailable|{type(error).__name__}")


class S3Storage(Storage):
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
    ):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.region = region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.url = f"s3://{bucket}/{self.prefix}" + (f" at {endpoint_url}" if endpoint_url else "")

    @property
    def _client(self):
        return client(self.endpoint_url, self.region)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes | BinaryIO, *, content_type: str | None = None) -> int:
        name = self._name(key)
        extra = {"ContentType": content_type} if content_type else {}
        try:
            if isinstance(data, bytes | bytearray | memoryview):
                self._client.put_object(Bucket=self.bucket, Key=name, Body=bytes(data), **extra)
                return len(data)
            counted = _Counting(data)
            self._client.upload_fileobj(
                counted, self.bucket, name, ExtraArgs=extra or None, Config=_TRANSFER
            )
            return counted.size
        except (BotoCoreError, ClientError, boto3.exceptions.Boto3Error) as error:
            raise _cause(error) from error

    def get(self, key: str) -> bytes:
        with self.open(key) as body:
            try:
                return body.read()
            except (BotoCoreError, ClientError) as error:
                raise _error(error, key) from error

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        name = self._name(key)
        try:
            body = self._client.get_object(Bucket=self.bucket, Key=name)["Body"]
        except (BotoCoreError, ClientError) as error:
            raise _error(error, key) from error
        try:
            yield body
        finally:
            body.close()

    def _head(self, key: str) -> dict:
        try:
            return self._client.head_object(Bucket=self.bucket, Key=self._name(key))
        except (BotoCoreError, ClientError) as error:
            raise _error(error, key) from error

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except ObjectMissing:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def delete(self, key: str) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except (BotoCoreError, ClientError) as error:
            raise _error(error) from error

    def list(self, prefix: str = "") -> Iterator[str]:
        check_prefix(prefix)
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        try:
            keys = [item["Key"] for page in pages for item in page.get("Contents", ())]
        except (BotoCoreError, ClientError) as error:
            raise _error(error) from error
        return iter(sorted(name[len(self.prefix) :] for name in keys))

    def check(self) -> None:
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchBucket"):
                raise StorageError("storage.no_bucket") from error
            raise _error(error) from error
        except BotoCoreError as error:
            raise _error(error) from error


def _cause(error: Exception) -> Exception:
    """upload_fileobj wraps the client's error in S3UploadFailedError; find the first one."""
    inner = error
    while inner.__cause__ is not None or inner.__context__ is not None:
        if isinstance(inner, BotoCoreError | ClientError):
            break
        inner = inner.__cause__ or inner.__context__
    if isinstance(inner, BotoCoreError | ClientError):
        return _error(inner)
    text = str(error)
    for code in _CREDENTIAL_CODES:
        if code in text:
            return StorageError("storage.credentials")
    if "NoSuchBucket" in text:
        return StorageError("storage.no_bucket")
    return StorageError(f"storage.unavailable|{type(error).__name__}")


class _Counting(io.RawIOBase):
    """A file object that counts what boto3 reads from it (put returns the size)."""

    def __init__(self, inner: BinaryIO):
        self.inner, self.size = inner, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        block = self.inner.read(size)
        self.size += len(block)
        return block
