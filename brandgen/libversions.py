"""The versions of the libraries that shape brandgen's output, for its cache keys.

Each library's own `__version__` where a build imports it anyway: asking the installed
metadata instead (importlib.metadata) costs ~14 ms of imports and ~1 ms a lookup, on every
build. MarkupSafe 3 has none (its deprecated attribute asks the metadata itself): the
digest of its files stands for its version, and changes whenever they do. The libraries a
build imports only to render something new are known without importing them, by the
version in the name of the `.dist-info` folder their installer put beside them
(`markdown_it_py-4.3.0.dist-info`, as the wheel format names it): Typst, a 30 MB compiled
library that compiles the CV, and the Markdown engine (~30 ms of imports), which a build
whose documents are all cached, such as a template edit, never loads. Where there is no
such folder (a library installed some other way), the digest of all its files stands in.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
from functools import cache
from pathlib import Path

# distribution name -> the module that carries its __version__ (each is cheap to import,
# or imported by every build: pygments' package alone is, its lexers are not)
MODULES = {
    "jinja2": "jinja2",
    "pygments": "pygments",
    "PyYAML": "yaml",
}
# distribution name -> its package, known by its installed version, never imported for it
BY_NAME = {
    "linkify-it-py": "linkify_it",
    "markdown-it-py": "markdown_it",
    "markdown-it-pyrs": "markdown_it_pyrs",
    "mdit-py-plugins": "mdit_py_plugins",
    "typst": "typst",
}


@cache
def library_version(name: str) -> str:
    """The version of library `name` (a distribution name), or a digest standing for it."""
    if name == "markupsafe":
        return "files:" + _files_digest("markupsafe")
    if name in BY_NAME:
        return _installed_version(name, BY_NAME[name]) \
            or "files:" + _files_digest(BY_NAME[name], recursive=True)
    found = getattr(importlib.import_module(MODULES[name]), "__version__", None)
    if isinstance(found, str):
        return found
    from importlib.metadata import version  # a release without the attribute

    return version(name)


def _package_folder(module: str) -> Path:
    """The folder of an installed package. Raises ImportError when it is missing."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ImportError(f"{module} is not installed", name=module)
    return Path(spec.origin).parent


def _installed_version(distribution: str, module: str) -> str | None:
    """The version in the name of the distribution's `.dist-info` folder beside its
    package (the wheel format's name: the distribution name with each run of "-", "_"
    and "." as "_", a "-", the version), or None when there is none."""
    site = _package_folder(module).parent
    try:
        names = os.listdir(site)
    except OSError:
        return None
    wanted = _normalized(distribution)
    found = [version for name, _, version in (n.removesuffix(".dist-info").partition("-")
                                              for n in names if n.endswith(".dist-info"))
             if version and _normalized(name) == wanted]
    return found[0] if len(found) == 1 else None


def _normalized(distribution: str) -> str:
    return re.sub(r"[-_.]+", "_", distribution).lower()


def _files_digest(module: str, recursive: bool = False) -> str:
    """The digest of a package's files (its sources and compiled extensions), of its own
    folder or of every folder below it too. Raises ImportError when it is missing."""
    top = _package_folder(module)
    digest = hashlib.blake2b(digest_size=16)
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if recursive and d != "__pycache__")
        for name in sorted(files):
            path = Path(folder, name)
            digest.update(path.relative_to(top).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()
