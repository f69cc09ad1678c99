"""PNG bytes for a palette image put together from runs of rows, compressed apart.

A social card is mostly rows that every card shares (blank background, the footer) and a
few bands of text. Each run of rows is its own deflate segment: the shared ones are
compressed once and reused, so a card compresses only the rows with its own text. A
segment ends byte-aligned and refers to nothing before it, so segments join into one valid
zlib stream; its Adler-32 is combined from theirs without reading the rows again.

Rows are given as PNG scanlines: a filter byte (0, none) and then one palette index per
pixel. Callers draw on a canvas one pixel wider than the image and never touch column 0.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

LEVEL = 1  # zlib's fastest level that still compresses: cards are read only by crawlers
_MOD = 65521  # Adler-32's modulus
_HEADER = bytes((0x78, 0x01))  # zlib header: deflate, 32 KB window, "fastest" level
_FINAL = bytes((0x03, 0x00))  # an empty final block with fixed codes: ends the stream
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Segment:
    """Raw rows compressed alone: non-final deflate blocks, ending byte-aligned."""

    deflate: bytes
    adler: int  # Adler-32 of the raw bytes
    length: int  # how many raw bytes


def segment(raw: bytes) -> Segment:
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Segment(packer.compress(raw) + packer.flush(zlib.Z_SYNC_FLUSH), zlib.adler32(raw),
                   len(raw))


@lru_cache(maxsize=512)
def blank(rows: int, stride: int) -> Segment:
    """`rows` scanlines of palette index 0 (filter byte included in `stride`)."""
    return segment(bytes(rows * stride))


def combine(adler: int, part: Segment) -> int:
    """Adler-32 of the bytes behind `adler` followed by the bytes of `part`."""
    s1, s2 = adler & 0xFFFF, adler >> 16
    t1, t2 = part.adler & 0xFFFF, part.adler >> 16
    n = part.length % _MOD
    return ((s1 + t1 - 1) % _MOD) | ((s2 + t2 + n * (s1 - 1)) % _MOD) << 16


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(
        data, zlib.crc32(kind)))


def palette_png(width: int, height: int, colours: bytes, rows: Iterable[Segment]) -> bytes:
    """An 8-bit palette PNG whose scanlines are the segments' rows, top to bottom."""
    adler, parts = 1, [_HEADER]
    for part in rows:
        parts.append(part.deflate)
        adler = combine(adler, part)
    parts += [_FINAL, struct.pack(">I", adler)]
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return b"".join((_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"PLTE", colours),
                     _chunk(b"IDAT", b"".join(parts)), _chunk(b"IEND", b"")))
