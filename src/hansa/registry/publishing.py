"""Where the registry also puts every served supergraph, for gateways that should not depend on
the registry at all: a directory (a shared volume, or one synced to storage) or an
S3-compatible bucket (AWS S3, MinIO, Ceph, R2, GCS's XML API). The layout is the same in both:

    GRAPH/VARIANT/supergraph.json         what the variant serves (the API's answer, signed)
    GRAPH/VARIANT/compositions/N.json     every composition, written once

With bucket versioning on, every change of ``supergraph.json`` is a version of the object.
Buckets use ``boto3`` (``pip install 'hansa[s3]'``) with the usual AWS credential chain.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from hansa.files import write_atomically


class PublishError(Exception):
    """The target cannot be written or configured; the message says why."""


class Publisher(ABC):
    @abstractmethod
    async def put(self, key: str, data: bytes) -> None:
        """Write ``data`` under ``key`` (``GRAPH/VARIANT/...``); ``PublishError`` on failure."""

    @abstractmethod
    def describe(self) -> str: ...


class DirectoryPublisher(Publisher):
    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    async def put(self, key: str, data: bytes) -> None:
        try:
            await asyncio.to_thread(write_atomically, self.root / key, data)
        except OSError as error:
            raise PublishError(f"cannot write {self.root / key}: {error}") from None


def s3_client(endpoint_url: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise PublishError("s3:// needs boto3: pip install 'hansa[s3]'") from None
    return boto3.client("s3", endpoint_url=endpoint_url)


def split_bucket_url(url: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` → ``("bucket", "prefix/")`` (the prefix may be empty)."""
    parts = urlparse(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise PublishError(f"{url!r} is not an s3://BUCKET[/PREFIX] URL")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


class BucketPublisher(Publisher):
    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        self.url = url
        self.bucket, self.prefix = split_bucket_url(url)
        self.client = s3_client(endpoint_url)

    def describe(self) -> str:
        return self.url

    async def put(self, key: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            await asyncio.to_thread(
                self.client.put_object,
                Bucket=self.bucket,
                Key=self.prefix + key,
                Body=data,
                ContentType="application/json",
            )
        except (BotoCoreError, ClientError) as error:
            raise PublishError(f"cannot write {self.url}/{key}: {error}") from None
