"""bytedance/dreamina-3-0/pro/image-to-video

Use a API RunComfy para executar bytedance/dreamina-3-0/pro/image-to-video. Para entradas e
saídas aceitas, consulte o esquema.

Generated from schemas/bytedance/dreamina-3-0/pro/image-to-video.yaml (source: 003_7aac5edce61952b0.txt) by
``python -m codegen generate``. Do not edit: change the schema or the template and regenerate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

from runcomfy_runtime.endpoint import AsyncEndpoint, SyncEndpoint, ValidationLevel
from runcomfy_runtime.jobs import AsyncJob, Job, Result, StatusCallback
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, ImageInput, Rule

Frames: TypeAlias = Literal[121, 241]

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
            image=False,
            many=False,
            rules=(),
        ),
        FieldSpec(
            python_name="image_urls",
            wire_name="image_urls",
            required=True,
            image=True,
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
        ),
        FieldSpec(
            python_name="seed",
            wire_name="seed",
            required=False,
            image=False,
            many=False,
            rules=(),
        ),
        FieldSpec(
            python_name="frames",
            wire_name="frames",
            required=False,
            image=False,
            many=False,
            rules=(),
        ),
    ),
    example={
        "prompt": "A slow, sweeping tracking shot moves through a sun-drenched vintage street, capturing the golden-hour glow. The lens flares dance as the sunlight filters through the gaps between historic buildings, casting long, dramatic shadows. A classic car glides smoothly across the frame, its polished surface reflecting the warm hues of the setting sun. Dust particles shimmer in the light as pedestrians move leisurely in the background, evoking a nostalgic, cinematic atmosphere reminiscent of an old film.",
        "image_urls": [
            "https://playgrounds-storage-public.runcomfy.net/tools/7013/media-files/usecase2-2-input.jpeg"
        ],
    },
    summary="Use a API RunComfy para executar bytedance/dreamina-3-0/pro/image-to-video. Para entradas e saídas aceitas, consulte o esquema.",
    title=None,
    accepted_image_formats=("JPEG", "PNG"),
)


class ImageToVideo(SyncEndpoint):
    """``bytedance/dreamina-3-0/pro/image-to-video``

    Use a API RunComfy para executar bytedance/dreamina-3-0/pro/image-to-video. Para
    entradas e saídas aceitas, consulte o esquema.
    """

    spec = SPEC

    def submit(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
    ) -> Job:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Server default: 'A slow, sweeping tracking shot moves through a sun-drenched
                    vintage street, capturing the golden-hour glow. The lens flares dance as the
                    sunlight filters through the gaps between historic buildings, casting long,
                    dramatic shadows. A classic car glides smoothly across the frame, its
                    polished surface reflecting the warm hues of the setting sun. Dust particles
                    shimmer in the light as pedestrians move leisurely in the background,
                    evoking a nostalgic, cinematic atmosphere reminiscent of an old film.'.
            image_urls: Upload JPEG or PNG only.
                Limits: at least 1 item(s); at most 1 item(s); image URLs (https).
                Server default:
                    ['https://playgrounds-storage-public.runcomfy.net/tools/7013/media-files/usecase2-2-input.jpeg'].
                Rule file_size_mb < 4.7: File size must be less than 4.7 MB.
                Rule width_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule height_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule width_pixels > 320: The shortest side must be at least 320 pixels.
                Rule height_pixels > 320: The shortest side must be at least 320 pixels.
                Rule width/height < 3: The ratio of long side to short side must be within 3:1.
                Rule width/height > 0.33: The ratio of long side to short side must be greater
                    than 0.33.
            seed: Seed.
                Server default: -1.
            frames: Total number of frames to generate. Supported values: 121 (≈5s) and 241
                (≈10s).
                One of: 121, 241.
                Server default: 121.
            validate: "full" (schema and image rules), "schema" (offline only) or "off".
        """
        return self._submit(
            {
                "prompt": prompt,
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
        )

    def run(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
    ) -> Result:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Takes the arguments of :meth:`submit` (documented there) and:
            timeout: seconds to wait; None takes the client's ``wait_timeout``.
            on_status: called with each new status while waiting.
            include_cost: ask the result for the job's cost in USD.
        """
        return self._run(
            {
                "prompt": prompt,
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
        )


class AsyncImageToVideo(AsyncEndpoint):
    """``bytedance/dreamina-3-0/pro/image-to-video``

    Use a API RunComfy para executar bytedance/dreamina-3-0/pro/image-to-video. Para
    entradas e saídas aceitas, consulte o esquema.
    """

    spec = SPEC

    async def submit(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
    ) -> AsyncJob:
        """Validate the input, then queue a job and return its handle at once.

        Args:
            prompt: Prompt.
                Limits: at most 800 character(s).
                Server default: 'A slow, sweeping tracking shot moves through a sun-drenched
                    vintage street, capturing the golden-hour glow. The lens flares dance as the
                    sunlight filters through the gaps between historic buildings, casting long,
                    dramatic shadows. A classic car glides smoothly across the frame, its
                    polished surface reflecting the warm hues of the setting sun. Dust particles
                    shimmer in the light as pedestrians move leisurely in the background,
                    evoking a nostalgic, cinematic atmosphere reminiscent of an old film.'.
            image_urls: Upload JPEG or PNG only.
                Limits: at least 1 item(s); at most 1 item(s); image URLs (https).
                Server default:
                    ['https://playgrounds-storage-public.runcomfy.net/tools/7013/media-files/usecase2-2-input.jpeg'].
                Rule file_size_mb < 4.7: File size must be less than 4.7 MB.
                Rule width_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule height_pixels <= 4096: Maximum resolution is 4096x4096.
                Rule width_pixels > 320: The shortest side must be at least 320 pixels.
                Rule height_pixels > 320: The shortest side must be at least 320 pixels.
                Rule width/height < 3: The ratio of long side to short side must be within 3:1.
                Rule width/height > 0.33: The ratio of long side to short side must be greater
                    than 0.33.
            seed: Seed.
                Server default: -1.
            frames: Total number of frames to generate. Supported values: 121 (≈5s) and 241
                (≈10s).
                One of: 121, 241.
                Server default: 121.
            validate: "full" (schema and image rules), "schema" (offline only) or "off".
        """
        return await self._submit(
            {
                "prompt": prompt,
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
        )

    async def run(
        self,
        *,
        prompt: str,
        image_urls: Sequence[ImageInput],
        seed: int | None = None,
        frames: Frames | None = None,
        validate: ValidationLevel = "full",
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        include_cost: bool = False,
    ) -> Result:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait``.

        Takes the arguments of :meth:`submit` (documented there) and:
            timeout: seconds to wait; None takes the client's ``wait_timeout``.
            on_status: called with each new status while waiting.
            include_cost: ask the result for the job's cost in USD.
        """
        return await self._run(
            {
                "prompt": prompt,
                "image_urls": image_urls,
                "seed": seed,
                "frames": frames,
            },
            validate,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
        )
