"""bytedance/seedream-4-0/edit

RunComfy model bytedance/seedream-4-0/edit: edit; makes images.

Generated from schemas/bytedance/seedream-4-0/edit.yaml (source: 004_5f3076a42a8befdc.txt) by
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

Resolution: TypeAlias = Literal[
    "1K",
    "2K",
    "4K",
    "2048x2048 (1:1)",
    "2304x1728 (4:3)",
    "1728x2304 (3:4)",
    "2560x1440 (16:9)",
    "1440x2560 (9:16)",
    "2496x1664 (3:2)",
    "1664x2496 (2:3)",
    "3024x1296 (21:9)",
]


class EditInput(TypedDict):
    """The whole input of bytedance/seedream-4-0/edit, keyed by wire name: what is sent."""

    prompt: str
    images: Sequence[ImageInput]
    resolution: NotRequired[Resolution]


SPEC = EndpointSpec(
    model_id="bytedance/seedream-4-0/edit",
    endpoint="/v1/models/bytedance/seedream-4-0/edit",
    input_schema={
        "type": "object",
        "required": ["prompt", "images"],
        "properties": {
            "prompt": {"title": "Prompt", "description": "", "type": "string", "maxLength": 600},
            "images": {
                "title": "Images",
                "description": "Upload 1~10 images. The format must be jpeg or png",
                "type": "array",
                "items": {"type": "string", "format": "image_uri"},
                "maxItems": 10,
                "minItems": 1,
            },
            "resolution": {
                "title": "Resolution",
                "description": "",
                "type": "string",
                "enum": [
                    "1K",
                    "2K",
                    "4K",
                    "2048x2048 (1:1)",
                    "2304x1728 (4:3)",
                    "1728x2304 (3:4)",
                    "2560x1440 (16:9)",
                    "1440x2560 (9:16)",
                    "2496x1664 (3:2)",
                    "1664x2496 (2:3)",
                    "3024x1296 (21:9)",
                ],
                "default": "2048x2048 (1:1)",
            },
        },
        "additionalProperties": False,
    },
    fields=(
        FieldSpec(
            python_name="prompt",
            wire_name="prompt",
            required=True,
        ),
        FieldSpec(
            python_name="images",
            wire_name="images",
            required=True,
            media="image",
            many=True,
            rules=(
                Rule("file_size_mb", "<", 10.0, "File size must be less than 10 MB."),
                Rule("width/height", ">", 0.33, "The aspect ratio range should be 1:3 to 3:1."),
                Rule("width/height", "<", 3.0, "The aspect ratio range should be 1:3 to 3:1."),
                Rule(
                    "width_pixels",
                    ">",
                    14.0,
                    "The uploaded image width and height must exceed 14 pixels.",
                ),
                Rule(
                    "height_pixels",
                    ">",
                    14.0,
                    "The uploaded image width and height must exceed 14 pixels.",
                ),
            ),
            accepted=("JPEG", "PNG"),
        ),
        FieldSpec(
            python_name="resolution",
            wire_name="resolution",
            required=False,
        ),
    ),
    example={"prompt": "", "images": []},
    summary="RunComfy model bytedance/seedream-4-0/edit: edit; makes images.",
    output_kind="image",
)


@dataclass(frozen=True)
class EditOutput(OutputBase):
    """What ``bytedance/seedream-4-0/edit`` returns under ``output`` (its documented keys); ``urls`` has every URL, declared or not."""

    image: str | None = None
    """A URL under ``image``."""

    video: str | None = None
    """A URL under ``video``."""

    images: tuple[str, ...] = ()
    """URLs under ``images``."""

    videos: tuple[str, ...] = ()
    """URLs under ``videos``."""


class Edit(SyncEndpoint[EditOutput]):
    """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""

    spec = SPEC
    output = EditOutput

    def submit(
        self,
        *,
        prompt: str,
        images: Sequence[ImageInput],
        resolution: Resolution | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> Job[EditOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 600 character(s).
                Required.
            images: Upload 1~10 images. The format must be jpeg or png.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 10 item(s).
                Rule file_size_mb < 10: File size must be less than 10 MB.
                Rule width/height > 0.33: The aspect ratio range should be 1:3 to 3:1.
                Rule width/height < 3: The aspect ratio range should be 1:3 to 3:1.
                Rule width_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Rule height_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Required.
            resolution: Resolution.
                One of: '1K', '2K', '4K', '2048x2048 (1:1)', '2304x1728 (4:3)', '1728x2304
                    (3:4)', '2560x1440 (16:9)', '1440x2560 (9:16)', '2496x1664 (3:2)',
                    '1664x2496 (2:3)', '3024x1296 (21:9)'.
                Default: 2048x2048 (1:1).
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return self._submit(
            {
                "prompt": prompt,
                "images": images,
                "resolution": resolution,
            },
            validate,
            extra_body,
        )

    def run(
        self,
        *,
        prompt: str,
        images: Sequence[ImageInput],
        resolution: Resolution | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[EditOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            prompt: Prompt.
                Limits: at most 600 character(s).
                Required.
            images: Upload 1~10 images. The format must be jpeg or png.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 10 item(s).
                Rule file_size_mb < 10: File size must be less than 10 MB.
                Rule width/height > 0.33: The aspect ratio range should be 1:3 to 3:1.
                Rule width/height < 3: The aspect ratio range should be 1:3 to 3:1.
                Rule width_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Rule height_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Required.
            resolution: Resolution.
                One of: '1K', '2K', '4K', '2048x2048 (1:1)', '2304x1728 (4:3)', '1728x2304
                    (3:4)', '2560x1440 (16:9)', '1440x2560 (9:16)', '2496x1664 (3:2)',
                    '1664x2496 (2:3)', '3024x1296 (21:9)'.
                Default: 2048x2048 (1:1).
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
                "prompt": prompt,
                "images": images,
                "resolution": resolution,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )


class AsyncEdit(AsyncEndpoint[EditOutput]):
    """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""

    spec = SPEC
    output = EditOutput

    async def submit(
        self,
        *,
        prompt: str,
        images: Sequence[ImageInput],
        resolution: Resolution | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> AsyncJob[EditOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 600 character(s).
                Required.
            images: Upload 1~10 images. The format must be jpeg or png.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 10 item(s).
                Rule file_size_mb < 10: File size must be less than 10 MB.
                Rule width/height > 0.33: The aspect ratio range should be 1:3 to 3:1.
                Rule width/height < 3: The aspect ratio range should be 1:3 to 3:1.
                Rule width_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Rule height_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Required.
            resolution: Resolution.
                One of: '1K', '2K', '4K', '2048x2048 (1:1)', '2304x1728 (4:3)', '1728x2304
                    (3:4)', '2560x1440 (16:9)', '1440x2560 (9:16)', '2496x1664 (3:2)',
                    '1664x2496 (2:3)', '3024x1296 (21:9)'.
                Default: 2048x2048 (1:1).
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return await self._submit(
            {
                "prompt": prompt,
                "images": images,
                "resolution": resolution,
            },
            validate,
            extra_body,
        )

    async def run(
        self,
        *,
        prompt: str,
        images: Sequence[ImageInput],
        resolution: Resolution | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[EditOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            prompt: Prompt.
                Limits: at most 600 character(s).
                Required.
            images: Upload 1~10 images. The format must be jpeg or png.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 10 item(s).
                Rule file_size_mb < 10: File size must be less than 10 MB.
                Rule width/height > 0.33: The aspect ratio range should be 1:3 to 3:1.
                Rule width/height < 3: The aspect ratio range should be 1:3 to 3:1.
                Rule width_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Rule height_pixels > 14: The uploaded image width and height must exceed 14
                    pixels.
                Required.
            resolution: Resolution.
                One of: '1K', '2K', '4K', '2048x2048 (1:1)', '2304x1728 (4:3)', '1728x2304
                    (3:4)', '2560x1440 (16:9)', '1440x2560 (9:16)', '2496x1664 (3:2)',
                    '1664x2496 (2:3)', '3024x1296 (21:9)'.
                Default: 2048x2048 (1:1).
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
                "prompt": prompt,
                "images": images,
                "resolution": resolution,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )
