"""A catalog of 400+ fictional models in the shape RunComfy's Model API serves its own.

Deterministic: the same entries, byte for byte, on every run (``python -m tests.catalog400
OUT.json`` writes them; tests and ``bench/bench_catalog.py`` build them in process). The shapes
are modelled on the facts of RunComfy's real catalog (every endpoint ``kind: "model"``, output
kind in categories ``<in>-to-<out>``, ``second`` prices for video and ``output``/``image`` for
the rest; structured inputs such as a list of shots ``{prompt, duration}``, a list of elements
holding image URLs with a rule on the image, a required list of keyframes under ``$defs``; ids
nesting ``a/b/c`` and ``a/b/c/draft``; resolution tiers ``480p``..``4k``), never copied: every
name, limit and text here is our own. The 28 models of ``examples/catalog.json`` (every media
construct: arrays without ``items``, rules on images, videos and audio, formats named in
prose, ``float``, numeric strings, ``≤``) come along, reshaped as served.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MEDIA_ISSUE = ROOT / "examples/catalog.json"

VENDORS = (
    "aurora", "borealis", "cinder", "delta-forge", "ember", "fjord", "gale", "halo",
    "iris-labs", "juniper", "kestrel", "larch", "moraine", "nadir", "oriel", "pinnacle",
)  # fmt: skip
VERSIONS = ("1.0", "2.1", "3")
KINDS = ("video", "video", "image", "video", "audio", "image")  # a family's kind, in turn
VIDEO_TASKS = (
    "text-to-video", "image-to-video", "reference-to-video", "first-last-frame-to-video",
    "video-to-video", "extend-video", "keyframes-to-video", "multi-shot-to-video",
    "storyboard-to-video",
)  # fmt: skip
DRAFTED = ("extend-video", "keyframes-to-video", "image-to-video")  # each also has a /draft
TIERS = ("480p", "720p", "1080p", "4k")
IMAGE_TASKS = ("text-to-image", "edit", "image-to-image", "inpaint", "lora")
AUDIO_TASKS = ("text-to-audio", "text-to-speech", "audio-to-audio")

CATEGORY = {
    "text-to-video": "text-to-video", "image-to-video": "image-to-video",
    "reference-to-video": "image-to-video", "first-last-frame-to-video": "image-to-video",
    "video-to-video": "video-to-video", "extend-video": "video-to-video",
    "keyframes-to-video": "image-to-video", "multi-shot-to-video": "text-to-video",
    "storyboard-to-video": "image-to-video", "text-to-image": "text-to-image",
    "edit": "image-to-image", "image-to-image": "image-to-image", "inpaint": "image-to-image",
    "lora": "text-to-image", "text-to-audio": "text-to-audio", "text-to-speech": "text-to-audio",
    "audio-to-audio": "audio-to-audio",
}  # fmt: skip


def rule(metric_op: str, value: float | str, message: str) -> dict[str, Any]:
    return {"validation_rule": metric_op, "validation_value": value, "validation_error": message}


def image(description: str = "", *rules: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "string", "format": "image_uri"}
    if description:
        found["description"] = description
    if rules:
        found["validations"] = list(rules)
    return found


def images(most: int, least: int = 0, *rules: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "array", "format": "image_uris", "maxItems": most}
    if least:
        found["minItems"] = least
    if rules:
        found["validations"] = list(rules)
    return found


def text(most: int, description: str) -> dict[str, Any]:
    return {"type": "string", "maxLength": most, "description": description}


def choice(values: list[Any], default: Any, description: str) -> dict[str, Any]:
    kind = "integer" if all(isinstance(v, int) for v in values) else "string"
    return {"type": kind, "enum": values, "default": default, "description": description}


WIDE_ENOUGH = rule("width_pixels>=", 300, "An element's image must be at least 300 pixels wide.")
TALL_ENOUGH = rule("height_pixels>=", 300, "An element's image must be at least 300 pixels tall.")
KEYFRAME_SIZE = rule("file_size_mb<=", 10, "Each keyframe image must be at most 10 MB.")


# -- the shapes of inputs, one function each ----------------------------------------------------


def video_common(rng: random.Random, tier: str | None) -> dict[str, Any]:
    longest = rng.choice((10, 12, 15, 20, 30))
    props: dict[str, Any] = {
        "prompt": text(rng.choice((1000, 2000, 2500)), "What happens in the video."),
        "negative_prompt": {"type": ["string", "null"], "maxLength": 500,
                            "description": "What the video should avoid."},
        "duration": {"type": "integer", "minimum": rng.choice((2, 3, 4)), "maximum": longest,
                     "default": 5, "description": "Length of the video in seconds."},
        "aspect_ratio": choice(["16:9", "9:16", "1:1", "4:3"], "16:9", "Frame shape."),
        "generate_audio": {"type": "boolean", "default": rng.random() < 0.5},
        "seed": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 2147483647},
                           {"type": "null"}], "description": "Fixes the randomness."},
    }  # fmt: skip
    if tier is None:
        tiers = list(TIERS[: rng.choice((2, 3, 4))])
        props["resolution"] = choice(tiers, tiers[-1 if len(tiers) < 3 else 1], "Video quality.")
    return props


def text_to_video(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    return video_common(rng, tier), ["prompt"]


def image_to_video(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props = video_common(rng, tier)
    under_20 = rule("file_size_mb<", 20, "The image must be under 20 MB.")
    props["image_url"] = image("The first frame. JPEG, PNG or WEBP.", under_20)
    props["end_image_url"] = {"anyOf": [image("The last frame, if any."), {"type": "null"}]}
    return props, ["prompt", "image_url"]


def reference_to_video(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props = video_common(rng, tier)
    props["images"] = images(rng.choice((4, 7, 9)))
    props["videos"] = {"type": "array", "format": "video_uris", "maxItems": 3}
    props["audios"] = {"type": "array", "format": "audio_uris", "maxItems": 3}
    props["guide"] = {
        "description": "One reference the motion follows.",
        "oneOf": [
            {"type": "object", "required": ["kind", "url"], "properties": {
                "kind": {"const": "image"}, "url": image("", WIDE_ENOUGH)}},
            {"type": "object", "required": ["kind", "url"], "properties": {
                "kind": {"const": "video"}, "url": {"type": "string", "format": "video_uri"}}},
        ],
    }  # fmt: skip
    return props, ["prompt"]


def first_last_frame(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props = video_common(rng, tier)
    props["first_frame_url"] = image("Where the video starts.")
    props["last_frame_url"] = image("Where the video ends.")
    return props, ["first_frame_url", "last_frame_url"]


def video_to_video(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    most = rng.choice((32, 64))
    return {
        "video_url": {"type": "string", "format": "video_uri", "validations": [
            rule("file_size_mb<=", most, f"The video must be at most {most} MB.")]},
        "prompt": text(1000, "How to restyle it."),
        "keyframes": {
            "type": "array", "maxItems": 3, "description": "Frames the result must pass through.",
            "items": {"type": "object", "required": ["image_url", "seconds"], "properties": {
                "image_url": image("A guiding frame."),
                "seconds": {"type": "number", "minimum": 0, "maximum": 10,
                            "description": "When, from the start."}}},
        },
        "strength": {"type": "float", "minimum": 0, "maximum": 1, "default": 0.6},
    }, ["video_url"]  # fmt: skip


def extend_video(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    return {
        "video_url": {"type": "string", "format": "video_uri"},
        "prompt": text(1000, "What happens next."),
        "extend_seconds": {"type": "integer", "minimum": 1, "maximum": rng.choice((5, 8, 10)),
                           "default": 5},
    }, ["video_url"]  # fmt: skip


def keyframes_to_video(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props = video_common(rng, tier)
    props["keyframes"] = {
        "type": "array",
        "minItems": 2,
        "maxItems": rng.choice((4, 5, 6)),
        "items": {"$ref": "#/$defs/Keyframe"},
        "description": "The frames the video passes through, in order.",
    }
    return props, ["prompt", "keyframes"]


KEYFRAME_DEFS = {
    "Keyframe": {
        "type": "object",
        "required": ["image_url", "time"],
        "description": "One frame and the second it shows at.",
        "properties": {
            "image_url": image("The frame.", KEYFRAME_SIZE),
            "time": {"type": "number", "minimum": 0, "maximum": 20,
                     "description": "Seconds from the start."},
        },
    }
}  # fmt: skip


def multi_shot(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props = video_common(rng, tier)
    props["multi_prompt"] = {
        "type": "array", "maxItems": 6, "description": "Shots in order, each with its length.",
        "items": {"type": "object", "required": ["prompt", "duration"], "properties": {
            "prompt": text(512, "What the shot shows."),
            "duration": {"type": "integer", "minimum": 1, "maximum": 12,
                         "description": "Seconds of this shot."}}},
    }  # fmt: skip
    props["elements"] = {
        "type": "array", "maxItems": 4,
        "description": "Characters or objects to keep consistent, named @Element1... in prompts.",
        "items": {"type": "object", "required": ["frontal_image_url"], "properties": {
            "frontal_image_url": image("The element seen from the front.", WIDE_ENOUGH,
                                       TALL_ENOUGH),
            "reference_image_urls": images(3, 1, WIDE_ENOUGH)}},
    }  # fmt: skip
    props["shot_type"] = choice(["customize", "intelligent"], "customize", "Who cuts the shots.")
    return props, ["prompt"]


def storyboard(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props = video_common(rng, tier)
    props["panels"] = {
        "type": "array", "minItems": 1, "maxItems": 4,
        "description": "Panels of the storyboard, each a few images of one beat.",
        "items": {"type": "array", "minItems": 1, "maxItems": 3,
                  "items": {"type": "string", "format": "image_uri"}},
    }  # fmt: skip
    return props, ["panels"]


def text_to_image(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    return {
        "prompt": text(rng.choice((800, 2000)), "What the image shows."),
        "resolution": choice(["1K", "2K", "4K"][: rng.choice((2, 3))], "1K", "Output size."),
        "aspect_ratio": choice(["1:1", "16:9", "9:16"], "1:1", "Image shape."),
        "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
        "output_format": choice(["png", "jpeg"], "png", "File format."),
    }, ["prompt"]


def edit(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props, _ = text_to_image(rng, tier)
    props["image_urls"] = {
        "type": "array", "format": "image_uris", "minItems": 1, "maxItems": 10,
        "description": "Images to edit. Only JPEG and PNG.",
        "validations": [rule("file_size_mb<", 30, "Each file must be under 30 MB."),
                        rule("width/height≥", "0.0625", "The aspect ratio must be 1:16 to 16:1."),
                        rule("width/height<=", 16, "The aspect ratio must be 1:16 to 16:1."),
                        rule("width_pixels>", 14, "Each side must exceed 14 pixels.")],
    }  # fmt: skip
    return props, ["prompt", "image_urls"]


def image_to_image(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props, _ = text_to_image(rng, tier)
    props["image_url"] = image("The source image.")
    props["strength"] = {"type": "number", "minimum": 0, "maximum": 1, "default": 0.7}
    return props, ["prompt", "image_url"]


def inpaint(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props, required = image_to_image(rng, tier)
    props["mask_url"] = {"anyOf": [image("White where to paint. PNG only."), {"type": "null"}]}
    return props, required


def lora(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    props, _ = text_to_image(rng, tier)
    props["lora"] = {"$ref": "#/$defs/Lora", "description": "The LoRA to apply."}
    props["extra_loras"] = {"type": "array", "maxItems": 3, "items": {"$ref": "#/$defs/Lora"}}
    return props, ["prompt", "lora"]


LORA_DEFS = {
    "Lora": {
        "type": "object",
        "required": ["path"],
        "properties": {
            "path": {"type": "string", "pattern": "\\.safetensors$",
                     "description": "A LoRA trained or imported in RunComfy Trainer."},
            "scale": {"type": "number", "minimum": 0, "maximum": 2, "default": 1},
        },
    }
}  # fmt: skip


def text_to_audio(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    return {
        "prompt": text(1000, "The sound to make."),
        "duration": {"type": "number", "minimum": 1, "maximum": rng.choice((30, 60, 120)),
                     "default": 10},
        "output_format": choice(["wav", "mp3"], "wav", "File format."),
    }, ["prompt"]  # fmt: skip


def text_to_speech(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    return {
        "text": text(rng.choice((2000, 5000)), "What to say."),
        "voice": choice(["coral", "slate", "ember", "tide"], "coral", "Whose voice."),
        "speed": {"type": "number", "minimum": 0.5, "maximum": 2, "default": 1},
    }, ["text"]


def audio_to_audio(rng: random.Random, tier: str | None) -> tuple[dict[str, Any], list[str]]:
    return {
        "audio_url": {"type": "string", "format": "audio_uri", "validations": [
            rule("file_size_mb<=", 25, "The audio must be at most 25 MB.")]},
        "voice": choice(["coral", "slate"], "coral", "The voice to turn it into."),
    }, ["audio_url"]  # fmt: skip


SHAPES = {
    "text-to-video": text_to_video, "image-to-video": image_to_video,
    "reference-to-video": reference_to_video, "first-last-frame-to-video": first_last_frame,
    "video-to-video": video_to_video, "extend-video": extend_video,
    "keyframes-to-video": keyframes_to_video, "multi-shot-to-video": multi_shot,
    "storyboard-to-video": storyboard, "text-to-image": text_to_image, "edit": edit,
    "image-to-image": image_to_image, "inpaint": inpaint, "lora": lora,
    "text-to-audio": text_to_audio, "text-to-speech": text_to_speech,
    "audio-to-audio": audio_to_audio,
}  # fmt: skip
DEFS = {"keyframes-to-video": KEYFRAME_DEFS, "lora": LORA_DEFS}


# -- entries ----------------------------------------------------------------------------------


def entry(model_id: str, task: str, tier: str | None, draft: bool) -> dict[str, Any]:
    rng = random.Random(model_id)  # a string seed: the same numbers on every machine
    properties, required = SHAPES[task](rng, tier)
    if draft:  # a cheaper, shorter preview of the same task
        duration = properties.get("duration")
        if isinstance(duration, dict) and "maximum" in duration:
            duration["maximum"] = min(duration["maximum"], 8)
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
    if task in DEFS:
        schema["$defs"] = DEFS[task]
    category = CATEGORY[task]
    unit = "second" if category.endswith("video") else rng.choice(("output", "image"))
    if category.endswith("audio"):
        unit = rng.choice(("output", "second"))
    name = " ".join(w.capitalize() for w in model_id.replace("/", " ").split())
    return {
        "model_id": model_id,
        "display_name": name,
        "categories": [category],
        "kind": "model",
        "base_price_usd": round(rng.uniform(0.01, 0.5), 3),
        "price_unit": unit,
        "input_schema": schema,
    }


def _family_ids() -> Iterator[tuple[str, str, str | None, bool]]:
    """(model id, task, tier, draft) for every generated model, in a fixed order."""
    families = [(vendor, version) for vendor in VENDORS for version in VERSIONS]
    for turn, (vendor, version) in enumerate(families):
        kind = KINDS[turn % len(KINDS)]
        family = f"{vendor}/{kind[:3]}-{version}"  # aurora/vid-1.0, aurora/ima-3...
        tasks = {"video": VIDEO_TASKS, "image": IMAGE_TASKS, "audio": AUDIO_TASKS}[kind]
        for task in tasks:
            yield f"{family}/{task}", task, None, False
            if kind == "video" and task in DRAFTED:
                yield f"{family}/{task}/draft", task, None, True
        if kind == "video" and turn % 4 == 0:  # resolution tiers as ids: .../1080p
            for task in ("text-to-video", "image-to-video"):
                for tier in TIERS:
                    yield f"{family}/{task}/{tier}", task, tier, False


SERVED_CATEGORY = {
    "text-to-speech": "text-to-audio", "text-to-music": "text-to-audio",
    "voice-clone": "audio-to-audio", "lip-sync": "video-to-video", "animation": "image-to-video",
    "upscale": "",  # its kind decides: video-to-video or image-to-image
    "audio-to-video": "audio-to-video", "reference-to-video": "image-to-video",
}  # fmt: skip


def _served(model: dict[str, Any]) -> dict[str, Any]:
    """An entry of ``examples/catalog.json`` as the API serves it: ``kind: "model"`` and
    categories ``<in>-to-<out>`` that name the output kind."""
    kind = model.get("kind") or "image"
    categories = []
    for given in model.get("categories") or []:
        served = SERVED_CATEGORY.get(given, given)
        if served == "":
            served = f"{kind}-to-{kind}"
        if served.endswith(("-to-video", "-to-image", "-to-audio")):
            categories.append(served)
    categories = sorted(set(categories)) or [f"{kind}-to-{kind}"]
    return {**model, "kind": "model", "categories": categories}


def catalog() -> list[dict[str, Any]]:
    """Every entry, sorted by model id."""
    found = [entry(*ids) for ids in _family_ids()]
    media = json.loads(MEDIA_ISSUE.read_text(encoding="utf-8"))["models"]
    found += [_served(m) for m in media]
    return sorted(found, key=lambda e: e["model_id"])


def listing() -> dict[str, Any]:
    models = catalog()
    return {"models": models, "total": len(models)}


FEATURES = (
    "aurora/vid-1.0/multi-shot-to-video",  # optional lists of objects, a rule on a nested image
    "aurora/vid-1.0/keyframes-to-video",  # a required list of $defs objects; a/b/c ...
    "aurora/vid-1.0/keyframes-to-video/draft",  # ... and a/b/c/draft
    "aurora/vid-1.0/reference-to-video",  # a oneOf of objects, media arrays without items
    "aurora/vid-1.0/storyboard-to-video",  # a list of lists of images
    "aurora/vid-1.0/video-to-video",  # optional keyframes, float, a video rule
    "aurora/ima-3/lora",  # a LoRA object, required, and a list of them
    "aurora/ima-3/inpaint",  # a nullable image union
    "aurora/ima-3/edit",  # numeric-string values, ≥, formats named in prose
    "borealis/aud-2.1/audio-to-audio",  # an audio rule
    "aurora/vid-1.0/image-to-video/4k",  # a resolution tier
    "acme/pixel-4/text-to-image",  # width×height, from the media issue
    "sonora/voice-1/clone",  # audio arrays without items
)
"""A subset covering every feature, for the fast end-to-end test."""


def subset() -> list[dict[str, Any]]:
    by_id = {e["model_id"]: e for e in catalog()}
    return [by_id[model_id] for model_id in FEATURES]


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    text_out = json.dumps(listing(), ensure_ascii=False, indent=1)
    if out is None:
        print(text_out)
    else:
        out.write_text(text_out, encoding="utf-8")
