"""bytedance/dreamina-4-0/text-to-image

RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images.

Generated from schemas/bytedance/dreamina-4-0/text-to-image.yaml (source: 001_b04c7b00d86dbc8f.txt) by
``python -m codegen generate``. Do not edit: change the schema or the template and regenerate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NotRequired, TypeAlias, TypedDict

from runcomfy_runtime.endpoint import AsyncEndpoint, ExtraBody, SyncEndpoint, ValidationLevel
from runcomfy_runtime.outputs import OutputBase
from runcomfy_runtime.spec import EndpointSpec, FieldSpec

if TYPE_CHECKING:  # annotations only: listing models loads no HTTP client
    from runcomfy_runtime.jobs import AsyncJob, Job
    from runcomfy_runtime.results import Result, StatusCallback

WidthHeight: TypeAlias = Literal[
    "1024x1024(1:1)",
    "2048x2048(1:1)",
    "2304x1728(4:3)",
    "2496x1664(3:2)",
    "2560x1440(16:9)",
    "3024x1296(21:9)",
    "4096x4096(1:1)",
    "4694x3520(4:3)",
    "4992x3328(3:2)",
    "5404x3040(16:9)",
    "6198x2656(21:9)",
]


TextToImageInput = TypedDict(
    "TextToImageInput",
    {
        "prompt": str,
        "width×height": NotRequired[WidthHeight],
        "scale": NotRequired[float],
        "force_single": NotRequired[bool],
    },
)


SPEC = EndpointSpec(
    model_id="bytedance/dreamina-4-0/text-to-image",
    endpoint="/v1/models/bytedance/dreamina-4-0/text-to-image",
    input_schema={
        "type": "object",
        "required": ["prompt"],
        "properties": {
            "prompt": {
                "title": "Prompt",
                "description": "",
                "type": "string",
                "maxLength": 800,
                "default": "A beautiful girl is walking on the street",
            },
            "width×height": {
                "title": "Aspect Ratio (W:H)",
                "description": "",
                "type": "string",
                "enum": [
                    "1024x1024(1:1)",
                    "2048x2048(1:1)",
                    "2304x1728(4:3)",
                    "2496x1664(3:2)",
                    "2560x1440(16:9)",
                    "3024x1296(21:9)",
                    "4096x4096(1:1)",
                    "4694x3520(4:3)",
                    "4992x3328(3:2)",
                    "5404x3040(16:9)",
                    "6198x2656(21:9)",
                ],
                "default": "2048x2048(1:1)",
            },
            "scale": {
                "title": "Scale",
                "description": "Controls how strongly the text prompt influences the result relative to input images. Higher values increase text influence.",
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0.5,
            },
            "force_single": {
                "title": "Force Single Image",
                "description": "Whether to force generation of a single image. More images per set increase latency; for stability, specify group count/resolution or pass width and height.",
                "type": "boolean",
                "default": False,
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
            python_name="width_height",
            wire_name="width×height",
            required=False,
        ),
        FieldSpec(
            python_name="scale",
            wire_name="scale",
            required=False,
        ),
        FieldSpec(
            python_name="force_single",
            wire_name="force_single",
            required=False,
        ),
    ),
    example={"prompt": "A beautiful girl is walking on the street"},
    summary="RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images.",
    output_kind="image",
)


@dataclass(frozen=True)
class TextToImageOutput(OutputBase):
    """What ``bytedance/dreamina-4-0/text-to-image`` returns under ``output`` (its documented keys); ``urls`` has every URL, declared or not."""

    image: str | None = None
    """A URL under ``image``."""

    video: str | None = None
    """A URL under ``video``."""

    images: tuple[str, ...] = ()
    """URLs under ``images``."""

    videos: tuple[str, ...] = ()
    """URLs under ``videos``."""


class TextToImage(SyncEndpoint[TextToImageOutput]):
    """RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images."""

    spec = SPEC
    output = TextToImageOutput

    def submit(
        self,
        *,
        prompt: str,
        width_height: WidthHeight | None = None,
        scale: float | None = None,
        force_single: bool | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> Job[TextToImageOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            width_height: Aspect Ratio (W:H).
                Sent as 'width×height'.
                One of: '1024x1024(1:1)', '2048x2048(1:1)', '2304x1728(4:3)', '2496x1664(3:2)',
                    '2560x1440(16:9)', '3024x1296(21:9)', '4096x4096(1:1)', '4694x3520(4:3)',
                    '4992x3328(3:2)', '5404x3040(16:9)', '6198x2656(21:9)'.
                Default: 2048x2048(1:1).
            scale: Controls how strongly the text prompt influences the result relative to input
                images. Higher values increase text influence.
                Limits: >= 0; <= 1.
                Default: 0.5.
            force_single: Whether to force generation of a single image. More images per set
                increase latency; for stability, specify group count/resolution or pass width
                and height.
                Default: false.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return self._submit(
            {
                "prompt": prompt,
                "width×height": width_height,
                "scale": scale,
                "force_single": force_single,
            },
            validate,
            extra_body,
        )

    def run(
        self,
        *,
        prompt: str,
        width_height: WidthHeight | None = None,
        scale: float | None = None,
        force_single: bool | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[TextToImageOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            width_height: Aspect Ratio (W:H).
                Sent as 'width×height'.
                One of: '1024x1024(1:1)', '2048x2048(1:1)', '2304x1728(4:3)', '2496x1664(3:2)',
                    '2560x1440(16:9)', '3024x1296(21:9)', '4096x4096(1:1)', '4694x3520(4:3)',
                    '4992x3328(3:2)', '5404x3040(16:9)', '6198x2656(21:9)'.
                Default: 2048x2048(1:1).
            scale: Controls how strongly the text prompt influences the result relative to input
                images. Higher values increase text influence.
                Limits: >= 0; <= 1.
                Default: 0.5.
            force_single: Whether to force generation of a single image. More images per set
                increase latency; for stability, specify group count/resolution or pass width
                and height.
                Default: false.
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
                "width×height": width_height,
                "scale": scale,
                "force_single": force_single,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )


class AsyncTextToImage(AsyncEndpoint[TextToImageOutput]):
    """RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images."""

    spec = SPEC
    output = TextToImageOutput

    async def submit(
        self,
        *,
        prompt: str,
        width_height: WidthHeight | None = None,
        scale: float | None = None,
        force_single: bool | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> AsyncJob[TextToImageOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            width_height: Aspect Ratio (W:H).
                Sent as 'width×height'.
                One of: '1024x1024(1:1)', '2048x2048(1:1)', '2304x1728(4:3)', '2496x1664(3:2)',
                    '2560x1440(16:9)', '3024x1296(21:9)', '4096x4096(1:1)', '4694x3520(4:3)',
                    '4992x3328(3:2)', '5404x3040(16:9)', '6198x2656(21:9)'.
                Default: 2048x2048(1:1).
            scale: Controls how strongly the text prompt influences the result relative to input
                images. Higher values increase text influence.
                Limits: >= 0; <= 1.
                Default: 0.5.
            force_single: Whether to force generation of a single image. More images per set
                increase latency; for stability, specify group count/resolution or pass width
                and height.
                Default: false.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return await self._submit(
            {
                "prompt": prompt,
                "width×height": width_height,
                "scale": scale,
                "force_single": force_single,
            },
            validate,
            extra_body,
        )

    async def run(
        self,
        *,
        prompt: str,
        width_height: WidthHeight | None = None,
        scale: float | None = None,
        force_single: bool | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[TextToImageOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            width_height: Aspect Ratio (W:H).
                Sent as 'width×height'.
                One of: '1024x1024(1:1)', '2048x2048(1:1)', '2304x1728(4:3)', '2496x1664(3:2)',
                    '2560x1440(16:9)', '3024x1296(21:9)', '4096x4096(1:1)', '4694x3520(4:3)',
                    '4992x3328(3:2)', '5404x3040(16:9)', '6198x2656(21:9)'.
                Default: 2048x2048(1:1).
            scale: Controls how strongly the text prompt influences the result relative to input
                images. Higher values increase text influence.
                Limits: >= 0; <= 1.
                Default: 0.5.
            force_single: Whether to force generation of a single image. More images per set
                increase latency; for stability, specify group count/resolution or pass width
                and height.
                Default: false.
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
                "width×height": width_height,
                "scale": scale,
                "force_single": force_single,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )
