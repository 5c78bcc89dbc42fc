"""A supergraph from an S3-compatible bucket a registry publishes to (``[registry]
publish_bucket``): ``s3://BUCKET/PREFIX/GRAPH/VARIANT/supergraph.json``, read with
``If-None-Match`` (an unchanged object costs a 304), verified and copied to disk like the
registry's answer. Credentials come from the usual AWS chain (environment, config files,
instance roles); ``boto3`` is ``pip install 'hansa[s3]'``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson

from hansa.gateway.sources import SourceError
from hansa.gateway.sources.registry import PublishedSource
from hansa.registry.publishing import PublishError, s3_client, split_bucket_url


class BucketSource(PublishedSource):
    def __init__(
        self,
        url: str,
        graph: str,
        variant: str = "prod",
        *,
        endpoint_url: str | None = None,
        interval: float = 10.0,
        public_key: str | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(
            graph, variant, interval=interval, public_key=public_key, cache_dir=cache_dir
        )
        try:
            self.bucket, prefix = split_bucket_url(url)
            self.client = s3_client(endpoint_url)
        except PublishError as error:
            raise SourceError(str(error)) from None
        self.key = f"{prefix}{graph}/{variant}/supergraph.json"
        self.url = url
        self._etag: str | None = None

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    async def fetch(self) -> dict[str, Any] | None:
        found = await asyncio.to_thread(self._get)
        if found is None:
            return None
        try:
            answer = orjson.loads(found)
        except orjson.JSONDecodeError as error:
            raise SourceError(f"{self.describe()} is not JSON: {error}") from None
        if not isinstance(answer, dict):
            raise SourceError(f"{self.describe()} is not a published supergraph")
        return answer

    def _get(self) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        asked: dict[str, str] = {} if self._etag is None else {"IfNoneMatch": self._etag}
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key, **asked)
            body = response["Body"].read()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            if code in ("304", "NotModified"):
                return None
            raise SourceError(f"cannot read {self.describe()}: {error}") from None
        except BotoCoreError as error:
            raise SourceError(f"cannot read {self.describe()}: {error}") from None
        self._etag = response.get("ETag")
        return bytes(body)
