"""The built-in uploaders: the user's S3 (or S3-compatible) bucket, and the emulator's own
input route for offline tests. Any object with ``upload(LocalFile) -> Uploaded`` will do
(``uploads.Uploader``).

Neither ever holds the RunComfy API token for another host: ``S3Uploader`` signs with AWS
credentials only (boto3's), and ``EmulatorUploader`` sends the emulator's token to the
emulator alone, which stands in for the API.
"""

from __future__ import annotations

import time
from typing import Any

from runcomfy_runtime import constants
from runcomfy_runtime.errors import ConfigurationError
from runcomfy_runtime.uploads import LocalFile, Uploaded, expiry_after

S3_MAX_EXPIRES = 7 * 24 * 3600
"""The longest a SigV4 pre-signed URL may live (S3's limit)."""
S3_MIN_EXPIRES = 300
"""The shortest ``expires`` taken: well past the least lifetime a URL must have when it is
sent (``constants.UPLOAD_MIN_LIFETIME``), so a slow upload cannot leave it too short."""


class S3Uploader:
    """Stores each file in ``bucket`` under ``prefix`` and answers a pre-signed GET URL that
    lives ``expires`` seconds.

    Any S3-compatible storage (MinIO, Cloudflare R2, Backblaze B2...) through
    ``endpoint_url`` (else boto3's own settings: ``$AWS_ENDPOINT_URL_S3``, ``~/.aws/config``);
    credentials and region as boto3 finds them. Object keys are content-addressed
    (``prefix/<sha256>.<format>``): two files never share a key, and one file uploaded twice
    lands on the same object. Each object is stored with the media type sniffed from its bytes
    and its SHA-256, which S3 checks: a file changed since it was checked is refused. Needs
    boto3 (``pip install 'runcomfy[s3]'``), imported when an S3Uploader is built.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        expires: int = constants.UPLOAD_EXPIRES,
        *,
        client: Any = None,
    ) -> None:
        if not bucket or "/" in bucket:
            raise ConfigurationError(f"S3Uploader needs a bucket name, got {bucket!r}")
        if not S3_MIN_EXPIRES <= expires <= S3_MAX_EXPIRES:
            raise ConfigurationError(
                f"S3Uploader expires={expires!r}: a pre-signed URL lives {S3_MIN_EXPIRES} s "
                f"to 7 days ({S3_MAX_EXPIRES} s)"
            )
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.expires = int(expires)
        self._s3 = client if client is not None else _s3_client(endpoint_url)

    def __repr__(self) -> str:
        return (
            f"S3Uploader(bucket={self.bucket!r}, prefix={self.prefix!r}, "
            f"endpoint_url={self.endpoint_url!r}, expires={self.expires})"
        )

    def upload(self, file: LocalFile) -> Uploaded:
        key = self.prefix + file.name
        with open(file.path, "rb") as body:
            self._s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=file.media_type,
                ChecksumSHA256=file.sha256_base64,
            )
        signed_at = time.time()
        url = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.expires
        )
        expires = self.expires - (time.time() - signed_at)
        return Uploaded(str(url), expiry_after(expires), where=f"s3://{self.bucket}/{key}")


def _s3_client(endpoint_url: str | None) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise ConfigurationError(
            "S3Uploader needs boto3, which is not installed: pip install 'runcomfy[s3]'"
        ) from None
    # SigV4: the signature every region and S3-compatible store takes (boto3 would pre-sign
    # with the retired SigV2). Addressing stays boto3's: virtual hosts on AWS, path-style on a
    # custom endpoint, where a bucket is no host name.
    config = Config(signature_version="s3v4")
    try:
        return boto3.client("s3", endpoint_url=endpoint_url, config=config)
    except ValueError as e:  # botocore's "Invalid endpoint: ..."
        raise ConfigurationError(f"S3Uploader endpoint_url={endpoint_url!r}: {e}") from None


class EmulatorUploader:
    """Stores each file in the emulator's inputs (``PUT /inputs/<sha256>.<format>``) and
    answers the URL the emulator serves it at (no expiry: it lives until a reset).

    For offline tests of code that uploads: the same path as ``S3Uploader``, no storage
    needed. The upload needs the emulator's token: ``token=``, else the environment's, found as
    the client finds it; it is sent to ``base_url`` and nowhere else (no redirect is followed).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = constants.UPLOAD_TIMEOUT,
    ) -> None:
        from runcomfy_runtime.auth import resolve_token
        from runcomfy_runtime.core import _checked_base_url

        self.base_url = _checked_base_url(base_url)
        self._token = resolve_token(token)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"EmulatorUploader({self.base_url!r})"

    def upload(self, file: LocalFile) -> Uploaded:
        import httpx

        from runcomfy_runtime.auth import scrubbed

        response = httpx.put(
            f"{self.base_url}/inputs/{file.name}",
            content=file.chunks(),
            headers={
                "Authorization": f"Bearer {self._token.reveal()}",
                "Content-Type": file.media_type,
                "Content-Length": str(file.size_bytes),
                "User-Agent": constants.USER_AGENT,
            },
            timeout=self.timeout,
            follow_redirects=False,
        )
        body = _json(response)
        url = body.get("url") if isinstance(body, dict) else None
        if response.status_code != 201 or not isinstance(url, str):
            said = scrubbed(response.text[:300], self._token)
            raise RuntimeError(f"the emulator answered HTTP {response.status_code}: {said}")
        return Uploaded(url, None, where=url)


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
