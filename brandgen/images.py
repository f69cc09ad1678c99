"""Image dimensions from file headers (PNG, JPEG, GIF), for og:image and twitter:card."""

from __future__ import annotations

import struct
from pathlib import Path

_HEAD = 256 * 1024  # JPEG frame headers can sit after large EXIF blocks


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG or GIF image, or None when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def static_image_sizes(static: Path, names: frozenset[str]) -> dict[str, tuple[int, int]]:
    sizes: dict[str, tuple[int, int]] = {}
    for name in sorted(names):
        if name.lower().endswith((".png", ".jpg", ".jpeg", ".gif")):
            try:
                with (static / name).open("rb") as f:
                    size = image_size(f.read(_HEAD))
            except OSError:
                continue  # reported when the file is copied
            if size:
                sizes[name] = size
    return sizes
