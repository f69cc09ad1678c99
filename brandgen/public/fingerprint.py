"""What salts every cached page, file and template: brandgen's own code and the libraries
that shape the output."""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

from brandgen import __version__
from brandgen.libversions import library_version

ENGINE = b"pages-1"


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """brandgen's own source (a checkout's edits count) and the rendering libraries."""
    digest = hashlib.blake2b(ENGINE, digest_size=32)
    digest.update(f"{__version__};py={sys.version_info[:2]}".encode())
    for lib in ("jinja2", "markupsafe", "pygments", "markdown-it-py"):
        digest.update(f";{lib}={library_version(lib)}".encode())
    package = Path(__file__).resolve().parent.parent  # all of brandgen/
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()
