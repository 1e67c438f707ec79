"""Short, decodable audio files: a sine tone as WAV (standard library) or MP3 (PyAV).

The emulator's audio outputs and its sample inputs. A real tone rather than silence or noise,
so a player plays something and a decoder sees a real signal; WAV needs nothing beyond the
standard library, MP3 uses the LAME encoder PyAV's bundled FFmpeg carries (imported only when
an MP3 is first made, as for video).
"""

from __future__ import annotations

import io
import math
import struct
import wave

SAMPLE_RATE = 22_050
TONE_HZ = 440.0
AMPLITUDE = 0.3  # of full scale: audible, never clipping
MP3_FRAME_SAMPLES = 1152  # samples per MP3 frame: LAME's frame size


def _samples(seconds: float, rate: int) -> list[float]:
    count = max(1, round(seconds * rate))
    step = 2 * math.pi * TONE_HZ / rate
    return [AMPLITUDE * math.sin(step * i) for i in range(count)]


def _pcm(seconds: float, rate: int) -> bytes:
    """The tone as 16-bit little-endian samples."""
    samples = _samples(seconds, rate)
    return struct.pack(f"<{len(samples)}h", *(round(s * 32767) for s in samples))


def wav_bytes(seconds: float = 2.0, *, rate: int = SAMPLE_RATE) -> bytes:
    """A mono 16-bit PCM WAV of a 440 Hz tone lasting ``seconds``."""
    pcm = _pcm(seconds, rate)
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(pcm)
    return out.getvalue()


def mp3_bytes(seconds: float = 2.0, *, rate: int = SAMPLE_RATE) -> bytes:
    """A mono MP3 (LAME, 64 kbit/s) of a 440 Hz tone lasting ``seconds``."""
    try:
        import av
    except ImportError as e:
        raise RuntimeError("MP3 files need PyAV: pip install 'runcomfy[emulator]'") from e
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"
        stream.bit_rate = 64_000
        pcm = _pcm(seconds, rate)
        step = MP3_FRAME_SAMPLES * 2  # bytes: two per sample
        for first in range(0, len(pcm), step):
            chunk = pcm[first : first + step]
            frame = av.AudioFrame(format="s16p", layout="mono", samples=len(chunk) // 2)
            frame.planes[0].update(chunk)  # mono: the one plane holds every sample
            frame.sample_rate, frame.pts = rate, first // 2
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
