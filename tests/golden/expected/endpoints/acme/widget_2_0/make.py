"""acme/widget-2.0/make

RunComfy model acme/widget-2.0/make: make; makes images.

Generated from schemas/acme/widget-2.0/make.yaml (source: synthetic) by
``python -m codegen generate``. Do not edit: change the schema or the template and regenerate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NotRequired, TypeAlias, TypedDict

from runcomfy_runtime.endpoint import AsyncEndpoint, ExtraBody, SyncEndpoint, ValidationLevel
from runcomfy_runtime.outputs import OutputBase
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, ImageInput, Rule

if TYPE_CHECKING:  # annotations only: listing models loads no HTTP client
    from runcomfy_runtime.jobs import AsyncJob, Job
    from runcomfy_runtime.results import Result, StatusCallback

SizeRatio: TypeAlias = Literal["1x1", "2x1"]
Class: TypeAlias = Literal[121, 241]


MakeInput = TypedDict(
    "MakeInput",
    {
        "photo_urls": Sequence[ImageInput],
        "prompt": str,
        "size×ratio": NotRequired[SizeRatio],
        "strength": NotRequired[float],
        "class": NotRequired[Class],
    },
)


SPEC = EndpointSpec(
    model_id="acme/widget-2.0/make",
    endpoint="/v1/models/acme/widget-2.0/make",
    input_schema={
        "type": "object",
        "required": ["photo_urls", "prompt"],
        "properties": {
            "photo_urls": {
                "title": "Photos",
                "description": 'PNG only. "Quotes" and a backslash \\ survive.',
                "type": "array",
                "items": {"type": "string", "format": "image_uri"},
                "minItems": 1,
                "maxItems": 2,
            },
            "prompt": {"title": "Prompt", "description": "", "type": "string", "maxLength": 20},
            "size×ratio": {
                "title": "Size",
                "type": "string",
                "enum": ["1x1", "2x1"],
                "default": "1x1",
            },
            "strength": {"type": "number", "minimum": 0, "maximum": 2, "default": 1},
            "class": {
                "description": "A keyword as a property name.",
                "type": "integer",
                "enum": [121, 241],
            },
        },
        "additionalProperties": False,
    },
    fields=(
        FieldSpec(
            python_name="photo_urls",
            wire_name="photo_urls",
            required=True,
            media="image",
            many=True,
            rules=(
                Rule("file_size_mb", "<=", 2.5, "At most 2.5 MB."),
                Rule("width/height", ">=", 0.5, "Not too tall."),
            ),
            accepted=("PNG",),
        ),
        FieldSpec(
            python_name="prompt",
            wire_name="prompt",
            required=True,
        ),
        FieldSpec(
            python_name="size_ratio",
            wire_name="size×ratio",
            required=False,
        ),
        FieldSpec(
            python_name="strength",
            wire_name="strength",
            required=False,
        ),
        FieldSpec(
            python_name="class_",
            wire_name="class",
            required=False,
        ),
    ),
    example={"photo_urls": ["https://example.com/a.png"], "prompt": "a widget"},
    summary="RunComfy model acme/widget-2.0/make: make; makes images.",
    output_kind="image",
)


@dataclass(frozen=True)
class MakeOutput(OutputBase):
    """What ``acme/widget-2.0/make`` returns under ``output`` (its documented keys); ``urls`` has every URL, declared or not."""

    image: str | None = None
    """A URL under ``image``."""


class Make(SyncEndpoint[MakeOutput]):
    """RunComfy model acme/widget-2.0/make: make; makes images."""

    spec = SPEC
    output = MakeOutput

    def submit(
        self,
        *,
        photo_urls: Sequence[ImageInput],
        prompt: str,
        size_ratio: SizeRatio | None = None,
        strength: float | None = None,
        class_: Class | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> Job[MakeOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            photo_urls: PNG only. "Quotes" and a backslash \\ survive.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: PNG.
                Limits: at least 1 item(s); at most 2 item(s).
                Rule file_size_mb <= 2.5: At most 2.5 MB.
                Rule width/height >= 0.5: Not too tall.
                Required.
            prompt: Prompt.
                Limits: at most 20 character(s).
                Required.
            size_ratio: Size.
                Sent as 'size×ratio'.
                One of: '1x1', '2x1'.
                Default: 1x1.
            strength: Limits: >= 0; <= 2.
                Default: 1.
            class_: A keyword as a property name.
                Sent as 'class'.
                One of: 121, 241.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return self._submit(
            {
                "photo_urls": photo_urls,
                "prompt": prompt,
                "size×ratio": size_ratio,
                "strength": strength,
                "class": class_,
            },
            validate,
            extra_body,
        )

    def run(
        self,
        *,
        photo_urls: Sequence[ImageInput],
        prompt: str,
        size_ratio: SizeRatio | None = None,
        strength: float | None = None,
        class_: Class | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[MakeOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            photo_urls: PNG only. "Quotes" and a backslash \\ survive.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: PNG.
                Limits: at least 1 item(s); at most 2 item(s).
                Rule file_size_mb <= 2.5: At most 2.5 MB.
                Rule width/height >= 0.5: Not too tall.
                Required.
            prompt: Prompt.
                Limits: at most 20 character(s).
                Required.
            size_ratio: Size.
                Sent as 'size×ratio'.
                One of: '1x1', '2x1'.
                Default: 1x1.
            strength: Limits: >= 0; <= 2.
                Default: 1.
            class_: A keyword as a property name.
                Sent as 'class'.
                One of: 121, 241.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
            timeout: seconds to wait; None takes the client's ``wait_timeout``.
            on_status: called with each new status while waiting.
            include_cost: ask the result for the job's cost in USD.
            expected: how long the job should take (seconds, or a (low, high) range), so
                polling concentrates around its end; by default this client's finished jobs
                of the model tell.
        """
        return self._run(
            {
                "photo_urls": photo_urls,
                "prompt": prompt,
                "size×ratio": size_ratio,
                "strength": strength,
                "class": class_,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )


class AsyncMake(AsyncEndpoint[MakeOutput]):
    """RunComfy model acme/widget-2.0/make: make; makes images."""

    spec = SPEC
    output = MakeOutput

    async def submit(
        self,
        *,
        photo_urls: Sequence[ImageInput],
        prompt: str,
        size_ratio: SizeRatio | None = None,
        strength: float | None = None,
        class_: Class | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> AsyncJob[MakeOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            photo_urls: PNG only. "Quotes" and a backslash \\ survive.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: PNG.
                Limits: at least 1 item(s); at most 2 item(s).
                Rule file_size_mb <= 2.5: At most 2.5 MB.
                Rule width/height >= 0.5: Not too tall.
                Required.
            prompt: Prompt.
                Limits: at most 20 character(s).
                Required.
            size_ratio: Size.
                Sent as 'size×ratio'.
                One of: '1x1', '2x1'.
                Default: 1x1.
            strength: Limits: >= 0; <= 2.
                Default: 1.
            class_: A keyword as a property name.
                Sent as 'class'.
                One of: 121, 241.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return await self._submit(
            {
                "photo_urls": photo_urls,
                "prompt": prompt,
                "size×ratio": size_ratio,
                "strength": strength,
                "class": class_,
            },
            validate,
            extra_body,
        )

    async def run(
        self,
        *,
        photo_urls: Sequence[ImageInput],
        prompt: str,
        size_ratio: SizeRatio | None = None,
        strength: float | None = None,
        class_: Class | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[MakeOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            photo_urls: PNG only. "Quotes" and a backslash \\ survive.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: PNG.
                Limits: at least 1 item(s); at most 2 item(s).
                Rule file_size_mb <= 2.5: At most 2.5 MB.
                Rule width/height >= 0.5: Not too tall.
                Required.
            prompt: Prompt.
                Limits: at most 20 character(s).
                Required.
            size_ratio: Size.
                Sent as 'size×ratio'.
                One of: '1x1', '2x1'.
                Default: 1x1.
            strength: Limits: >= 0; <= 2.
                Default: 1.
            class_: A keyword as a property name.
                Sent as 'class'.
                One of: 121, 241.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
            timeout: seconds to wait; None takes the client's ``wait_timeout``.
            on_status: called with each new status while waiting.
            include_cost: ask the result for the job's cost in USD.
            expected: how long the job should take (seconds, or a (low, high) range), so
                polling concentrates around its end; by default this client's finished jobs
                of the model tell.
        """
        return await self._run(
            {
                "photo_urls": photo_urls,
                "prompt": prompt,
                "size×ratio": size_ratio,
                "strength": strength,
                "class": class_,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )
