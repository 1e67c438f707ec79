"""Misuse that mypy must reject: each line marked `# E` must produce an error."""

from __future__ import annotations

from runcomfy import RunComfy


def misuse(client: RunComfy) -> None:
    edit = client.bytedance.dreamina_4_0.edit
    edit.submit(image_urls=["https://e.com/a.jpg"], prompt="p", width_height="3x3")  # E
    edit.submit(image_urls=["https://e.com/a.jpg"])  # E
    edit.submit(image_urls=["https://e.com/a.jpg"], prompt="p", seed=1)  # E
    edit.submit(["https://e.com/a.jpg"], "p")  # E
    client.bytedance.dreamina_3_0.pro.image_to_video.submit(prompt="p", image_urls=["u"], frames=120)  # E
    client.bytedance.dreamina_4_0.text_to_image.submit(prompt=3)  # E
    client.bytedance.dreamina_4_0.not_there  # E
    result = client.bytedance.dreamina_4_0.text_to_image.run(prompt="p")
    result.output.imgs  # E
    count: int = client.bytedance.dreamina_4_0.text_to_image.run(prompt="p")  # E
    result.download("out/")  # E
    client.download(result)  # E
    client.map("bytedance/dreamina-4-0/text-to-image", [], concurency=4)  # E
    client.map("bytedance/dreamina-4-0/text-to-image", [], validate="all")  # E
    for outcome in client.map("bytedance/dreamina-4-0/text-to-image", []):
        outcome.result.urls  # E
