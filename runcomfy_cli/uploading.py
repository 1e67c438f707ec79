"""Where the command uploads local files too large to send inline: ``--upload WHERE``, else
``$RUNCOMFY_UPLOAD``.

``WHERE`` is ``s3://BUCKET/PREFIX`` (boto3 finds the credentials, the region and, for an
S3-compatible store, the endpoint: ``$AWS_ENDPOINT_URL_S3``), or ``emulator``: the emulator the
command talks to (its ``PUT /inputs/``, with the token the command already sends it). Each
upload is noted on stderr with where the file went and when its URL expires; the URL itself
(for S3 a credential for that file) is never printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import CliFailure, UsageFailure

if TYPE_CHECKING:
    from runcomfy_runtime.auth import Secret
    from runcomfy_runtime.uploads import LocalFile, Uploaded, Uploader

UPLOAD_ENV = "RUNCOMFY_UPLOAD"
FORMS = "s3://BUCKET/PREFIX or emulator"


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed ``--upload``: the kind of storage, and for S3 the bucket and prefix."""

    kind: str  # "s3" or "emulator"
    bucket: str = ""
    prefix: str = ""


def parse_target(text: str) -> Target:
    """``s3://bucket/some/prefix`` or ``emulator``; ``ValueError`` saying the forms taken."""
    value = text.strip()
    if value == "emulator":
        return Target("emulator")
    scheme, sep, rest = value.partition("://")
    bucket, _, prefix = rest.partition("/")
    if sep and scheme.lower() == "s3" and bucket:
        return Target("s3", bucket, prefix.strip("/"))
    raise ValueError(f"cannot upload to {text!r}: give {FORMS}")


def target_of(given: str | None, environ: Mapping[str, str] = os.environ) -> Target | None:
    """``--upload``, else ``$RUNCOMFY_UPLOAD``, else None (local files go inline only)."""
    text = given if given is not None else environ.get(UPLOAD_ENV, "").strip() or None
    if text is None:
        return None
    where = "--upload" if given is not None else f"${UPLOAD_ENV}"
    try:
        return parse_target(text)
    except ValueError as e:
        raise UsageFailure(f"{where}: {e}") from None


def build_uploader(target: Target, base_url: str, token: Secret, *, quiet: bool) -> Uploader:
    """The uploader ``target`` names, wrapped to note each upload (unless ``quiet``)."""
    from runcomfy_runtime.errors import ConfigurationError
    from runcomfy_runtime.uploaders import EmulatorUploader, S3Uploader

    inner: Uploader
    try:
        if target.kind == "emulator":
            inner = EmulatorUploader(base_url, token=token.reveal())
        else:
            inner = S3Uploader(target.bucket, prefix=target.prefix)
    except ConfigurationError as e:
        if "pip install" in str(e):  # boto3 missing: an extra to install, as for the emulator
            raise CliFailure(f"--upload: {e}", code=ExitCode.UNAVAILABLE) from None
        raise UsageFailure(f"--upload: {e}") from None
    return inner if quiet else Noted(inner, sys.stderr)


class Noted:
    """An uploader that says on ``stream`` what it stored where, and for how long."""

    def __init__(self, inner: Uploader, stream: IO[str]) -> None:
        self.inner = inner
        self.stream = stream

    def upload(self, file: LocalFile) -> Uploaded:
        uploaded = self.inner.upload(file)
        size = file.size_bytes / (1024 * 1024)
        until = (
            f"; its URL expires {uploaded.expires_at.astimezone():%Y-%m-%d %H:%M:%S %Z}"
            if uploaded.expires_at is not None
            else ""
        )
        where = uploaded.where or "the storage"
        print(f"uploaded {file.path} ({size:.1f} MiB) to {where}{until}", file=self.stream)
        return uploaded
