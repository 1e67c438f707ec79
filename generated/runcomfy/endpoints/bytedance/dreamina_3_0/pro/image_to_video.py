"""bytedance/dreamina-3-0/pro/image-to-video

RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos.

Generated from schemas/bytedance/dreamina-3-0/pro/image-to-video.yaml (source: 003_7aac5edce61952b0.txt) by
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

Frames: TypeAlias = Literal[121, 241]


class ImageToVideoInput(TypedDict):
    """The whole input of bytedance/dreamina-3-0/pro/image-to-video, keyed by wire name: what is
    sent.
    """

    prompt: str
    image_urls: Sequence[ImageInput]
    seed: NotRequired[int]
    frames: NotRequired[Frames]


SPEC = EndpointSpec(
    model_id="bytedance/dreamina-3-0/pro/image-to-video",
    endpoint="/v1/models/bytedance/dreamina-3-0/pro/image-to-video",
    input_schema={
        "type": "object",
        "required": ["prompt", "image_urls"],
        "properties": {
            "prompt": {
                "title": "Prompt",
                "description": "",
                "type": "string",
                "maxLength": 800,
                "default": "A slow, sweeping tracking shot moves through a sun-drenched vintage street, capturing the golden-hour glow. The lens flares dance as the sunlight filters through the gaps between historic buildings, casting long, dramatic shadows. A classic car glides smoothly across the frame, its polished surface reflecting the warm hues of the setting sun. Dust particles shimmer in the light as pedestrians move leisurely in the background, evoking a nostalgic, cinematic atmosphere reminiscent of an old film.",
            },
            "image_urls": {
                "title": "Image URL",
                "description": "Upload JPEG or PNG only.",
                "type": "array",
                "items": {"type": "string", "format": "image_uri"},
                "maxItems": 1,
                "minItems": 1,
                "default": [
                    "https://playgrounds-storage-public.runcomfy.net/tools/7013/media-files/usecase2-2-input.jpeg"
                ],
            },
            "seed": {"title": "Seed", "description": "", "type": "integer", "default": -1},
            "frames": {
                "title": "Frames",
                "description": "Total number of frames to generate. Supported values: 121 (≈5s) and 241 (≈10s).",
                "type": "integer",
                "enum": [121, 241],
                "default": 121,
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
            python_name="image_urls",
            wire_name="image_urls",
            required=True,
            media="image",
            many=True,
            rules=(
                Rule("file_size_mb", "<", 4.7, "File size must be less than 4.7 MB."),
                Rule("width_pixels", "<=", 4096.0, "Maximum resolution is 4096x4096."),
                Rule("height_pixels", "<=", 4096.0, "Maximum resolution is 4096x4096."),
                Rule("width_pixels", ">", 320.0, "The shortest side must be at least 320 pixels."),
                Rule("height_pixels", ">", 320.0, "The shortest side must be at least 320 pixels."),
                Rule(
                    "width/height",
                    "<",
                    3.0,
                    "The ratio of long side to short side must be within 3:1.",
                ),
                Rule(
                    "width/height",
                    ">",
                    0.33,
                    "The ratio of long side to short side must be greater than 0.33.",
                ),
            ),
            accepted=("JPEG", "PNG"),
        ),
        FieldSpec(
            python_name="seed",
            wire_name="seed",
            required=False,
        ),
        FieldSpec(
            python_name="frames",
            wire_name="frames",
            required=False,
        ),
    ),
    example={
        "prompt": "A slow, sweeping tracking shot moves through a sun-drenched vintage street, capturing the golden-hour glow. The lens flares dance as the sunlight filters through the gaps between historic buildings, casting long, dramatic shadows. A classic car glides smoothly across the frame, its polished surface reflecting the warm hues of the setting sun. Dust particles shimmer in the light as pedestrians move leisurely in the background, evoking a nostalgic, cinematic atmosphere reminiscent of an old film.",
        "image_urls": [
            "https://playgrounds-storage-public.runcomfy.net/tools/7013/media-files/usecase2-2-input.jpeg"
        ],
    },
    summary="RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos.",
    output_kind="video",
)


@dataclass(frozen=True)
class ImageToVideoOutput(OutputBase):
    """What ``bytedance/dreamina-3-0/pro/image-to-video`` returns under ``output`` (its documented keys); ``urls`` has every URL, declared or not."""

    image: str | None = None
    """A URL under ``image``."""

    video: str | None = None
    """A URL under ``video``."""

    images: tuple[str, ...] = ()
    """URLs under ``images``."""

    videos: tuple[str, ...] = ()
    """URLs under ``videos``."""


class ImageToVideo(SyncEndpoint[ImageToVideoOutput]):
    """RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos."""

    spec = SPEC
    output = ImageToVideoOutput

    def submit(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> Job[ImageToVideoOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            image_urls: Upload JPEG or PNG only.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 1 item(s).
                Rule file_size_mb < 4.7: File size must be less than 4.7 MB.
                Rule width_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule height_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule width_pixels > 320: The shortest side must be at least 320 pixels.
                Rule height_pixels > 320: The shortest side must be at least 320 pixels.
                Rule width/height < 3: The ratio of long side to short side must be within 3:1.
                Rule width/height > 0.33: The ratio of long side to short side must be greater
                    than 0.33.
                Required.
            seed: Seed.
                Default: -1.
            frames: Total number of frames to generate. Supported values: 121 (≈5s) and 241
                (≈10s).
                One of: 121, 241.
                Default: 121.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return self._submit(
            {
                "prompt": prompt,
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
            extra_body,
        )

    def run(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[ImageToVideoOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            image_urls: Upload JPEG or PNG only.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 1 item(s).
                Rule file_size_mb < 4.7: File size must be less than 4.7 MB.
                Rule width_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule height_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule width_pixels > 320: The shortest side must be at least 320 pixels.
                Rule height_pixels > 320: The shortest side must be at least 320 pixels.
                Rule width/height < 3: The ratio of long side to short side must be within 3:1.
                Rule width/height > 0.33: The ratio of long side to short side must be greater
                    than 0.33.
                Required.
            seed: Seed.
                Default: -1.
            frames: Total number of frames to generate. Supported values: 121 (≈5s) and 241
                (≈10s).
                One of: 121, 241.
                Default: 121.
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
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )


class AsyncImageToVideo(AsyncEndpoint[ImageToVideoOutput]):
    """RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos."""

    spec = SPEC
    output = ImageToVideoOutput

    async def submit(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
    ) -> AsyncJob[ImageToVideoOutput]:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            image_urls: Upload JPEG or PNG only.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 1 item(s).
                Rule file_size_mb < 4.7: File size must be less than 4.7 MB.
                Rule width_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule height_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule width_pixels > 320: The shortest side must be at least 320 pixels.
                Rule height_pixels > 320: The shortest side must be at least 320 pixels.
                Rule width/height < 3: The ratio of long side to short side must be within 3:1.
                Rule width/height > 0.33: The ratio of long side to short side must be greater
                    than 0.33.
                Required.
            seed: Seed.
                Default: -1.
            frames: Total number of frames to generate. Supported values: 121 (≈5s) and 241
                (≈10s).
                One of: 121, 241.
                Default: 121.
            validate: "full" (schema and media rules), "schema" (offline only) or "off".
            extra_body: inputs the schema does not list, merged into the body after the
                fields above are validated (a LoRA: ``{"lora": {"path": "..."}}``); a key the
                schema lists is validated as usual.
        """
        return await self._submit(
            {
                "prompt": prompt,
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
            extra_body,
        )

    async def run(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
        extra_body: ExtraBody = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[ImageToVideoOutput]:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Required.
            image_urls: Upload JPEG or PNG only.
                A list of images, each an https URL, a data: URI or a local file (pathlib.Path,
                    sent inline). Formats: JPEG, PNG.
                Limits: at least 1 item(s); at most 1 item(s).
                Rule file_size_mb < 4.7: File size must be less than 4.7 MB.
                Rule width_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule height_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule width_pixels > 320: The shortest side must be at least 320 pixels.
                Rule height_pixels > 320: The shortest side must be at least 320 pixels.
                Rule width/height < 3: The ratio of long side to short side must be within 3:1.
                Rule width/height > 0.33: The ratio of long side to short side must be greater
                    than 0.33.
                Required.
            seed: Seed.
                Default: -1.
            frames: Total number of frames to generate. Supported values: 121 (≈5s) and 241
                (≈10s).
                One of: 121, 241.
                Default: 121.
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
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
            extra_body=extra_body,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
            expected=expected,
        )
