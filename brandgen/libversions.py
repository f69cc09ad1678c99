"""The versions of the libraries that shape brandgen's output, for its cache keys.

Each library's own `__version__` where it has one: asking the installed metadata instead
(importlib.metadata) costs ~30 ms of imports and ~1 ms a lookup, on every build. MarkupSafe
3 has none (its deprecated attribute asks the metadata itself): the digest of its files
stands for its version, and changes whenever they do.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from functools import cache
from pathlib import Path

# distribution name -> the module that carries its __version__
MODULES = {
    "jinja2": "jinja2",
    "linkify-it-py": "linkify_it",
    "markdown-it-py": "markdown_it",
    "markdown-it-pyrs": "markdown_it_pyrs",
    "mdit-py-plugins": "mdit_py_plugins",
    "pygments": "pygments",
    "PyYAML": "yaml",
    "typst": "typst",
}


@cache
def library_version(name: str) -> str:
    """The version of library `name` (a distribution name), or a digest standing for it."""
    if name == "markupsafe":
        return "files:" + _files_digest("markupsafe")
    found = getattr(importlib.import_module(MODULES[name]), "__version__", None)
    if isinstance(found, str):
        return found
    from importlib.metadata import version  # a release without the attribute

    return version(name)


def _files_digest(module: str) -> str:
    """The digest of a package's files (its sources and compiled extension)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, f"{module} is installed"
    folder = Path(spec.origin).parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
