"""Probing input images over real loopback HTTP, and the media rules checked on what it finds.

Byte counts are what the image server wrote to its sockets, never timings. The shared client of
every test carries an API token and a cookie by default, as the real API client does.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import io
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from runcomfy_runtime.constants import PROBE_FIRST_RANGE_BYTES as FIRST_RANGE_BYTES
from runcomfy_runtime.errors import CredentialsRefused, Problem
from runcomfy_runtime.fetch import AsyncFetcher
from runcomfy_runtime.media import check_media, count_limit, media_problems
from runcomfy_runtime.probe import ProbeFailure, Prober, facts_of_bytes
from runcomfy_runtime.schema.formats import MediaKind
from runcomfy_runtime.schema.rules import BYTES_PER_MB, MediaFacts, rule_problems
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, Rule
from tests import imagefiles
from tests.helpers import schema_of
from tests.imageserver import ImageServer, small_receive_buffer_transport

KiB = 1024
MiB = BYTES_PER_MB
SECRET = "Bearer sk-live-secret"
RECEIVE_BUFFER = 64 * KiB
# Bytes a server can write beyond what the prober consumed: the client's receive buffer (Linux
# doubles what is asked), the server's send buffer (doubled too) and one write, plus one read
# of httpx (64 KiB) that overshoots what the prober needed.
SLACK = 2 * RECEIVE_BUFFER + 2 * 8 * KiB + 8 * KiB + 64 * KiB


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    with ImageServer() as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The API client's pool as the prober shares it: the token and a cookie ride by default."""
    async with httpx.AsyncClient(
        headers={"Authorization": SECRET},
        cookies={"session": "api-session"},
        transport=small_receive_buffer_transport(RECEIVE_BUFFER),
    ) as shared:
        yield shared


@pytest.fixture
def prober(client: httpx.AsyncClient) -> Prober:
    return Prober(AsyncFetcher(client))


def ranges_asked(server: ImageServer, path: str) -> list[str | None]:
    return [hit.headers.get("range") for hit in server.hits(path)]


def data_uri(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


# --- measuring images over HTTP ----------------------------------------------------------------


async def test_a_png_is_measured(image_server: ImageServer, prober: Prober) -> None:
    data = imagefiles.png(300, 200)
    url = image_server.serve("/a.png", data, "image/png")

    assert await prober.probe(url) == MediaFacts(len(data), 300, 200, "PNG")


async def test_a_progressive_jpeg_is_measured(image_server: ImageServer, prober: Prober) -> None:
    data = imagefiles.jpeg(640, 480, progressive=True)
    assert Image.open(io.BytesIO(data)).info.get("progressive")
    url = image_server.serve("/p.jpg", data)

    assert await prober.probe(url) == MediaFacts(len(data), 640, 480, "JPEG")


async def test_an_exif_heavy_jpeg_with_its_header_past_100_kib_is_measured_unrotated(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.jpeg(640, 480, exif_padding=150_000, orientation=6)
    with pytest.raises(OSError):  # the frame header is not within the first 100 KiB
        Image.open(io.BytesIO(data[: 100 * KiB]))
    url = image_server.serve("/exif.jpg", data)

    facts = await prober.probe(url)

    assert facts == MediaFacts(len(data), 640, 480, "JPEG")  # stored size; EXIF says rotate
    assert ranges_asked(image_server, "/exif.jpg") == ["bytes=0-65535", "bytes=65536-196607"]


async def test_a_15_mb_jpeg_costs_at_most_64_kib(image_server: ImageServer, prober: Prober) -> None:
    data = imagefiles.jpeg(64, 48, pad_to_bytes=15 * MiB + 1)
    url = image_server.serve("/big.jpg", data)

    assert await prober.probe(url) == MediaFacts(15 * MiB + 1, 64, 48, "JPEG")
    assert image_server.bytes_sent("/big.jpg") <= 64 * KiB


async def test_a_server_ignoring_range_is_read_only_as_far_as_the_header(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.jpeg(64, 48, pad_to_bytes=12 * MiB)
    url = image_server.serve("/norange.jpg", data, honour_range=False)

    assert await prober.probe(url) == MediaFacts(12 * MiB, 64, 48, "JPEG")  # Content-Length
    assert image_server.bytes_sent("/norange.jpg") <= FIRST_RANGE_BYTES + SLACK


@pytest.mark.parametrize("framing", ["close", "chunked"])
async def test_an_unannounced_size_is_counted_only_to_the_limit(
    image_server: ImageServer, prober: Prober, framing: str
) -> None:
    limit = 1 * MiB
    data = imagefiles.jpeg(64, 48, pad_to_bytes=8 * MiB)
    url = image_server.serve("/nolength.jpg", data, honour_range=False, framing=framing)

    facts = await prober.probe(url, count_limit_bytes=limit)

    assert facts == MediaFacts(limit + 1, 64, 48, "JPEG", size_is_lower_bound=True)  # "more than"
    assert image_server.bytes_sent("/nolength.jpg") <= limit + 1 + SLACK


async def test_an_unannounced_size_under_the_limit_is_counted_exactly(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.jpeg(64, 48, pad_to_bytes=300_000)
    url = image_server.serve("/small.jpg", data, honour_range=False, framing="close")

    assert await prober.probe(url, count_limit_bytes=MiB) == MediaFacts(300_000, 64, 48, "JPEG")


async def test_without_a_limit_an_unannounced_size_stays_unknown(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.jpeg(64, 48, pad_to_bytes=8 * MiB)
    url = image_server.serve("/unknown.jpg", data, honour_range=False, framing="chunked")

    assert await prober.probe(url) == MediaFacts(None, 64, 48, "JPEG")
    assert image_server.bytes_sent("/unknown.jpg") <= FIRST_RANGE_BYTES + SLACK


async def test_a_range_without_a_total_is_sized_by_a_plain_get(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.jpeg(64, 48, pad_to_bytes=5 * MiB)
    url = image_server.serve("/star.jpg", data, range_total=False)

    assert await prober.probe(url, count_limit_bytes=MiB) == MediaFacts(5 * MiB, 64, 48, "JPEG")
    assert ranges_asked(image_server, "/star.jpg") == ["bytes=0-65535", None]


async def test_a_404_is_a_failure_with_its_status(
    image_server: ImageServer, prober: Prober
) -> None:
    url = image_server.url("/gone.jpg")

    assert await prober.probe(url) == ProbeFailure(url, "HTTP 404")


async def test_a_redirect_is_followed_with_the_probe_headers(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.png(120, 80)
    image_server.serve("/files/real.png", data, "image/png")
    image_server.redirect("/moved.png", "/files/real.png", status=301)
    url = image_server.redirect("/short", "/moved.png", status=302)

    assert await prober.probe(url) == MediaFacts(len(data), 120, 80, "PNG")
    hops = image_server.hits()
    assert [hit.path for hit in hops] == ["/short", "/moved.png", "/files/real.png"]
    assert all(hit.headers.get("range") == "bytes=0-65535" for hit in hops)


async def test_a_redirect_loop_stops_after_max_redirects(
    image_server: ImageServer, prober: Prober
) -> None:
    image_server.redirect("/loop/b", "/loop/a")
    url = image_server.redirect("/loop/a", "/loop/b")

    assert await prober.probe(url) == ProbeFailure(url, "too many redirects (>5)")
    assert len(image_server.hits()) == 6  # the first request and five redirects


async def test_html_where_an_image_was_promised_is_not_an_image(
    image_server: ImageServer, prober: Prober
) -> None:
    page = b"<!doctype html><title>Sign in</title>" + b" " * 200_000
    url = image_server.serve("/photo.jpg", page, "text/html; charset=utf-8")

    assert await prober.probe(url) == ProbeFailure(url, "not an image (text/html)")


async def test_bytes_no_image_format_starts_with_fail_after_the_first_range(
    image_server: ImageServer, prober: Prober
) -> None:
    url = image_server.serve("/blob", bytes(range(256)) * 8192)  # 2 MiB, octet-stream

    result = await prober.probe(url)

    assert isinstance(result, ProbeFailure)
    assert result.reason.startswith("not an image")
    assert image_server.bytes_sent("/blob") <= FIRST_RANGE_BYTES


async def test_a_truncated_jpeg_is_not_a_readable_image(
    image_server: ImageServer, prober: Prober
) -> None:
    url = image_server.serve("/cut.jpg", imagefiles.jpeg(64, 48, exif_padding=20_000)[:5_000])

    result = await prober.probe(url)

    assert result == ProbeFailure(
        url, "not a readable image (starts like JPEG, Pillow cannot read it)"
    )


@pytest.mark.parametrize(
    ("make", "pillow_name"), [(imagefiles.webp, "WEBP"), (imagefiles.gif, "GIF")]
)
async def test_webp_and_gif_are_detected_and_rejected_by_a_jpeg_png_spec(
    image_server: ImageServer, prober: Prober, make: Callable[[int, int], bytes], pillow_name: str
) -> None:
    data = make(200, 150)
    url = image_server.serve("/in", data, f"image/{pillow_name.lower()}")

    facts = await prober.probe(url)
    payload = {"image_urls": [url]}

    assert facts == MediaFacts(len(data), 200, 150, pillow_name)
    assert media_problems(SPEC, payload, {(url, "image"): facts}) == [
        Problem(
            ("image_urls", 0),
            "must be one of the formats: JPEG, PNG",
            url,
            fact=f"format {pillow_name}",
        )
    ]


async def test_a_phone_camera_multi_picture_jpeg_counts_as_jpeg(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.mpo(320, 240)
    assert Image.open(io.BytesIO(data)).format == "MPO"
    url = image_server.serve("/phone.jpg", data)

    assert await prober.probe(url) == MediaFacts(len(data), 320, 240, "JPEG")


async def test_a_webp_too_big_to_size_within_the_cap_is_still_known_as_webp(
    image_server: ImageServer, client: httpx.AsyncClient
) -> None:
    data = imagefiles.webp(300, 300, noise=True)
    assert len(data) > 48 * KiB
    url = image_server.serve("/big.webp", data, "image/webp")
    prober = Prober(AsyncFetcher(client), first_range_bytes=16 * KiB, header_cap_bytes=48 * KiB)

    facts = await prober.probe(url)
    problems = media_problems(SPEC, {"image_urls": [url]}, {(url, "image"): facts})

    assert facts == MediaFacts(len(data), None, None, "WEBP")
    assert [p.message for p in problems] == ["must be one of the formats: JPEG, PNG"]
    assert ranges_asked(image_server, "/big.webp") == ["bytes=0-16383", "bytes=16384-49151"]


# --- sharing: cache and concurrency -----------------------------------------------------------


async def test_a_second_probe_of_a_url_sends_no_request(
    image_server: ImageServer, prober: Prober
) -> None:
    url = image_server.serve("/once.png", imagefiles.png(10, 10), "image/png")

    first = await prober.probe(url)
    second = await prober.probe(url)

    assert second == first
    assert len(image_server.hits("/once.png")) == 1


async def test_probe_many_requests_each_url_once_all_at_the_same_time(
    image_server: ImageServer, prober: Prober
) -> None:
    count = 6
    # Every answer waits until all six requests have arrived: a prober asking one at a time
    # would break the barrier, and its probes would fail.
    everyone_asked = threading.Barrier(count, timeout=10)
    urls = [
        image_server.serve(
            f"/{i}.png", imagefiles.png(10 + i, 10), "image/png", before_answer=everyone_asked.wait
        )
        for i in range(count)
    ]

    results = await prober.probe_many(urls + urls[::-1])

    assert list(results) == urls
    assert [results[url] for url in urls] == [
        MediaFacts(len(imagefiles.png(10 + i, 10)), 10 + i, 10, "PNG") for i in range(count)
    ]
    assert sorted(hit.path for hit in image_server.hits()) == sorted(f"/{i}.png" for i in range(6))


async def test_concurrent_probes_of_one_url_share_one_request(
    image_server: ImageServer, prober: Prober
) -> None:
    url = image_server.serve("/shared.png", imagefiles.png(10, 10), "image/png")

    results = await asyncio.gather(*(prober.probe(url) for _ in range(5)))

    assert len(set(results)) == 1
    assert len(image_server.hits("/shared.png")) == 1


async def test_a_larger_limit_than_an_earlier_count_reached_probes_again(
    image_server: ImageServer, prober: Prober
) -> None:
    data = imagefiles.jpeg(64, 48, pad_to_bytes=4 * MiB)
    url = image_server.serve("/count.jpg", data, honour_range=False, framing="close")

    small = await prober.probe(url, count_limit_bytes=256 * KiB)
    large = await prober.probe(url, count_limit_bytes=512 * KiB)
    smaller_again = await prober.probe(url, count_limit_bytes=128 * KiB)

    assert isinstance(small, MediaFacts) and small.size_bytes == 256 * KiB + 1
    assert isinstance(large, MediaFacts) and large.size_bytes == 512 * KiB + 1
    assert smaller_again == large  # still "more than" 128 KiB: no third request
    assert len(image_server.hits("/count.jpg")) == 2


# --- credentials ------------------------------------------------------------------------------


async def test_no_credentials_reach_the_image_server(
    image_server: ImageServer, client: httpx.AsyncClient
) -> None:
    image_server.serve("/a.jpg", imagefiles.jpeg(64, 48, exif_padding=150_000))
    image_server.serve("/b.jpg", imagefiles.jpeg(64, 48), honour_range=False, framing="close")
    image_server.serve("/c.jpg", imagefiles.jpeg(64, 48, pad_to_bytes=200_000), range_total=False)
    moved = image_server.redirect("/moved", "/a.jpg")
    urls = [moved, image_server.url("/b.jpg"), image_server.url("/c.jpg")]
    async with httpx.AsyncClient(auth=("user", "password")) as basic_auth_client:
        for shared in (client, basic_auth_client):
            results = await Prober(AsyncFetcher(shared)).probe_many(urls, count_limit_bytes=MiB)
            assert all(isinstance(r, MediaFacts) for r in results.values())

    hits = image_server.hits()
    assert len(hits) == 2 * 6  # moved, a (two ranges), b, c (a range, then a plain GET)
    assert not [h for h in hits if "authorization" in h.headers or "cookie" in h.headers]


async def test_a_request_hook_that_adds_credentials_is_refused(image_server: ImageServer) -> None:
    async def add_token(request: httpx.Request) -> None:
        request.headers["Authorization"] = SECRET

    url = image_server.serve("/hooked.png", imagefiles.png(10, 10), "image/png")
    async with httpx.AsyncClient(event_hooks={"request": [add_token]}) as hooked:
        with pytest.raises(CredentialsRefused, match="nothing was sent"):
            await Prober(AsyncFetcher(hooked)).probe(url)
    assert image_server.hits() == []  # refused before the request left


# --- failures without an answer ---------------------------------------------------------------


async def test_a_slow_server_times_out(
    image_server: ImageServer, client: httpx.AsyncClient
) -> None:
    url = image_server.serve("/slow.png", imagefiles.png(10, 10), "image/png", delay=60)

    result = await Prober(AsyncFetcher(client), timeout=0.2).probe(url)

    assert result == ProbeFailure(url, "timed out after 0.2s")


async def test_a_refused_connection_is_a_failure(prober: Prober) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.png"

    result = await prober.probe(url)

    assert isinstance(result, ProbeFailure)
    assert result.reason.startswith("connection failed: ")


async def test_an_unsupported_scheme_is_a_failure(prober: Prober) -> None:
    result = await prober.probe("ftp://example.com/x.png")

    assert result == ProbeFailure(
        "ftp://example.com/x.png", "unsupported URL scheme 'ftp' (http and https are read)"
    )


# --- data URIs and bytes ----------------------------------------------------------------------


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a data URI must not touch the network ({request.url})")


async def test_a_data_uri_is_read_without_the_network() -> None:
    data = imagefiles.png(64, 32)
    async with httpx.AsyncClient(transport=httpx.MockTransport(_no_network)) as offline:
        result = await Prober(AsyncFetcher(offline)).probe(data_uri(data))

    assert result == MediaFacts(len(data), 64, 32, "PNG")


@pytest.mark.parametrize(
    ("uri", "reason_starts"),
    [
        ("data:image/png;base64,not*base64", "invalid base64 in the data URI"),
        ("data:image/svg+xml,<svg/>", "unsupported data URI"),
        (data_uri(b"plain text, not pixels"), "not an image"),
    ],
)
async def test_a_bad_data_uri_is_a_failure(uri: str, reason_starts: str) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_no_network)) as offline:
        result = await Prober(AsyncFetcher(offline)).probe(uri)

    assert isinstance(result, ProbeFailure)
    assert result.reason.startswith(reason_starts)


def test_facts_of_bytes_reads_a_local_file_s_bytes() -> None:
    data = imagefiles.jpeg(640, 480, exif_padding=150_000, orientation=6)

    assert facts_of_bytes(data) == MediaFacts(len(data), 640, 480, "JPEG")
    assert facts_of_bytes(b"", source="empty.png") == ProbeFailure(
        "empty.png", "not an image (empty file)"
    )


# --- media_problems: the rules on given facts -------------------------------------------------

SIZE_15 = Rule("file_size_mb", "<=", 15, "Each image file must be ≤ 15 MB.")
WIDTH_4096 = Rule("width_pixels", "<=", 4096, "Maximum resolution is 4096x4096.")
HEIGHT_4096 = Rule("height_pixels", "<=", 4096, "Maximum resolution is 4096x4096.")
RATIO_MIN = Rule(
    "width/height", ">=", 0.33, "The input image aspect ratio must be within [1/3, 3]."
)
RATIO_MAX = Rule("width/height", "<=", 3, "The input image aspect ratio must be within [1/3, 3].")
SIZE_UNDER_10 = Rule("file_size_mb", "<", 10, "File size must be less than 10 MB.")
WIDTH_OVER_320 = Rule("width_pixels", ">", 320, "The shortest side must be at least 320 pixels.")

IMAGE_URLS = FieldSpec(
    "image_urls",
    "image_urls",
    required=True,
    media="image",
    many=True,
    rules=(SIZE_15, WIDTH_4096, HEIGHT_4096, RATIO_MIN, RATIO_MAX),
    accepted=("JPEG", "PNG"),
)
IMAGE_URL = FieldSpec(
    "image_url",
    "image_url",
    required=False,
    media="image",
    rules=(SIZE_UNDER_10, WIDTH_OVER_320),
    accepted=("JPEG", "PNG"),
)
PROMPT = FieldSpec("prompt", "prompt", required=True)
SPEC = EndpointSpec(
    model_id="test/edit",
    endpoint="/v1/models/test/edit",
    input_schema=schema_of(PROMPT, IMAGE_URLS, IMAGE_URL),
    fields=(PROMPT, IMAGE_URLS, IMAGE_URL),
)
URL = "https://img.example/a.jpg"


def facts(width: int = 1000, height: int = 1000, size: int = MiB, fmt: str = "JPEG") -> MediaFacts:
    return MediaFacts(size, width, height, fmt)


@pytest.mark.parametrize(
    ("field", "measured", "expected_fact"),
    [
        (IMAGE_URLS, facts(width=4096, height=4096), None),
        (IMAGE_URLS, facts(width=4097, height=4096), "width 4097 px"),
        (IMAGE_URLS, facts(width=4096, height=4097), "height 4097 px"),
        (IMAGE_URLS, facts(size=15 * MiB), None),
        (IMAGE_URLS, facts(size=15 * MiB + 1), "file size 15.00 MB"),
        (IMAGE_URLS, facts(width=33, height=100), None),
        (IMAGE_URLS, facts(width=32, height=100), "width/height 0.32"),
        (IMAGE_URLS, facts(width=300, height=100), None),
        (IMAGE_URLS, facts(width=301, height=100), "width/height 3.01"),
        (IMAGE_URL, facts(size=10 * MiB - 1), None),
        (IMAGE_URL, facts(size=10 * MiB), "file size 10.00 MB"),
        (IMAGE_URL, facts(width=321), None),
        (IMAGE_URL, facts(width=320), "width 320 px"),  # the operator wins over "at least 320"
    ],
)
def test_each_bound_passes_at_the_limit_and_fails_just_past_it(
    field: FieldSpec, measured: MediaFacts, expected_fact: str | None
) -> None:
    value = [URL] if field.many else URL
    path = "image_urls[0]" if field.many else "image_url"

    problems = media_problems(SPEC, {field.wire_name: value}, {(URL, "image"): measured})

    assert [p.fact for p in problems] == ([] if expected_fact is None else [expected_fact])
    assert all(p.location == path and p.value == URL for p in problems)


def test_a_broken_bound_carries_the_documented_message() -> None:
    problems = media_problems(
        SPEC, {"image_urls": [URL]}, {(URL, "image"): facts(width=4097, height=4096)}
    )

    assert problems == [
        Problem(("image_urls", 0), "Maximum resolution is 4096x4096.", URL, fact="width 4097 px")
    ]


def test_every_problem_is_reported_at_once_in_documented_field_order() -> None:
    ok, gif, huge, dead = (f"https://img.example/{n}" for n in ("ok", "gif", "huge", "dead"))
    results: dict[tuple[str, MediaKind], MediaFacts | ProbeFailure] = {
        (ok, "image"): facts(),
        (gif, "image"): facts(fmt="GIF", width=5000, height=4000),
        (huge, "image"): facts(width=5000, height=1000, size=20 * MiB),
        (dead, "image"): ProbeFailure(dead, "HTTP 404"),
    }
    payload = {"image_url": dead, "prompt": "x", "image_urls": [ok, gif, huge]}

    problems = media_problems(SPEC, payload, results)

    assert problems == [
        Problem(("image_urls", 1), "must be one of the formats: JPEG, PNG", gif, fact="format GIF"),
        Problem(("image_urls", 1), WIDTH_4096.message, gif, fact="width 5000 px"),
        Problem(("image_urls", 2), SIZE_15.message, huge, fact="file size 20.00 MB"),
        Problem(("image_urls", 2), WIDTH_4096.message, huge, fact="width 5000 px"),
        Problem(("image_urls", 2), RATIO_MAX.message, huge, fact="width/height 5"),
        Problem(("image_url",), "could not read the image: HTTP 404", dead),
    ]


def test_an_unmeasured_fact_is_a_problem_not_a_pass() -> None:
    problems = media_problems(
        SPEC, {"image_url": URL}, {(URL, "image"): MediaFacts(None, None, None, "PNG")}
    )

    assert [p.message for p in problems] == [
        "File size must be less than 10 MB. (could not measure file_size_mb)",
        "The shortest side must be at least 320 pixels. (could not measure width_pixels)",
    ]


def test_a_field_without_formats_accepts_any_format() -> None:
    any_format = dataclasses.replace(IMAGE_URL, accepted=())
    open_spec = EndpointSpec(
        "test/any", "/v1/models/test/any", schema_of(any_format), (any_format,)
    )

    assert media_problems(open_spec, {"image_url": URL}, {(URL, "image"): facts(fmt="WEBP")}) == []


def test_values_the_schema_stage_reports_are_left_to_it() -> None:
    payload = {"image_urls": [3, None, "not a url", "ftp://x/y.png"], "image_url": ["a", "b"]}

    assert media_problems(SPEC, payload, {}) == []
    assert media_problems(SPEC, {"image_urls": URL}, {}) == []


def test_a_url_without_a_probe_result_is_a_caller_bug() -> None:
    with pytest.raises(KeyError, match=r"image_urls\[0\]"):
        media_problems(SPEC, {"image_urls": [URL]}, {})


# --- count_limit ------------------------------------------------------------------------------


def test_count_limit_is_the_largest_size_bound_in_bytes() -> None:
    tiny = Rule("file_size_mb", ">", 0.01, "too small")
    field = FieldSpec("f", "f", True, media="image", rules=(tiny, SIZE_15, WIDTH_4096))
    odd = FieldSpec("g", "g", True, media="image", rules=(Rule("file_size_mb", "<", 4.7, "m"),))

    assert count_limit(field) == 15 * MiB
    assert count_limit(odd) == 4_928_308  # 4.7 MiB is 4_928_307.2 bytes: rounded up
    assert count_limit(FieldSpec("h", "h", True, media="image")) is None


@given(
    size=st.integers(min_value=0, max_value=40 * MiB),
    bound=st.sampled_from([0.5, 1, 4.7, 10, 15]),
    op=st.sampled_from(["<", "<=", ">", ">="]),
)
def test_counting_to_the_limit_decides_a_size_rule_as_the_true_size_would(
    size: int, bound: float, op: str
) -> None:
    rule = Rule("file_size_mb", op, bound, "size")  # type: ignore[arg-type]
    limit = count_limit(FieldSpec("f", "f", True, media="image", rules=(rule,)))
    assert limit is not None
    counted = size if size <= limit else limit + 1  # what a probe reports without a length

    def broken(n: int) -> bool:
        return bool(rule_problems([rule], MediaFacts(n, 1, 1), ("f",), URL))

    assert broken(counted) == broken(size)


# --- check_media: probing a payload -----------------------------------------------------------


async def test_check_media_probes_each_url_once_and_reports_everything(
    image_server: ImageServer, prober: Prober
) -> None:
    good = image_server.serve("/good.jpg", imagefiles.jpeg(800, 600))
    wide = image_server.serve("/wide.png", imagefiles.png(1500, 400), "image/png")
    page = image_server.serve("/page", b"<html></html>", "text/html")
    payload = {
        "prompt": "a cat",
        "image_urls": [good, wide, good, page, 42],
        "image_url": good,
    }

    problems = await check_media(SPEC, payload, prober)

    assert problems == [
        Problem(("image_urls", 1), RATIO_MAX.message, wide, fact="width/height 3.75"),
        Problem(("image_urls", 3), "could not read the image: not an image (text/html)", page),
    ]
    assert sorted(hit.path for hit in image_server.hits()) == ["/good.jpg", "/page", "/wide.png"]


async def test_check_media_counts_a_shared_url_to_the_largest_bound_of_its_fields(
    image_server: ImageServer, prober: Prober
) -> None:
    half = Rule("file_size_mb", "<=", 0.5, "at most 0.5 MB")
    one = Rule("file_size_mb", "<=", 1, "at most 1 MB")
    two = (
        FieldSpec("a", "a", True, media="image", rules=(half,)),
        FieldSpec("b", "b", True, media="image", rules=(one,)),
    )
    spec = EndpointSpec("test/two", "/v1/models/test/two", schema_of(*two), two)
    data = imagefiles.jpeg(64, 48, pad_to_bytes=4 * MiB)
    url = image_server.serve("/shared.jpg", data, honour_range=False, framing="close")

    problems = await check_media(spec, {"a": url, "b": url}, prober)

    assert [(p.path, p.message) for p in problems] == [
        (("a",), half.message),
        (("b",), one.message),
    ]
    assert len(image_server.hits("/shared.jpg")) == 1
    assert image_server.bytes_sent("/shared.jpg") <= MiB + 1 + SLACK


async def test_check_media_leaves_a_payload_that_is_not_an_object_to_the_schema_stage(
    prober: Prober,
) -> None:
    assert await check_media(SPEC, ["not", "an", "object"], prober) == []
