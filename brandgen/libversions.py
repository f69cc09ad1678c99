"""The versions of the libraries that shape brandgen's output, for its cache keys.

Each library's own `__version__` where a build imports it anyway: asking the installed
metadata instead (importlib.metadata) costs ~14 ms of imports and ~1 ms a lookup, on every
build. MarkupSafe 3 has none (its deprecated attribute asks the metadata itself): the
digest of its files stands for its version, and changes whenever they do. The libraries a
build imports only to render something new are known by their files' names, sizes and
mtimes (an upgrade or reinstall rewrites them) without importing them: Typst, a 30 MB
compiled library that compiles the CV, and the Markdown engine (~30 ms of imports), which a
build whose documents are all cached, such as a template edit, never loads.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from functools import cache
from pathlib import Path

# distribution name -> the module that carries its __version__ (each is cheap to import,
# or imported by every build: pygments' package alone is, its lexers are not)
MODULES = {
    "jinja2": "jinja2",
    "pygments": "pygments",
    "PyYAML": "yaml",
}
# distribution name -> the package known by its files' stat, never imported for it
BY_STAT = {
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
    if name in BY_STAT:
        return "stat:" + _files_digest(BY_STAT[name], contents=False)
    found = getattr(importlib.import_module(MODULES[name]), "__version__", None)
    if isinstance(found, str):
        return found
    from importlib.metadata import version  # a release without the attribute

    return version(name)


def _files_digest(module: str, contents: bool = True) -> str:
    """The digest of a package's files (its sources and compiled extension): of their
    contents, or of their names, sizes and mtimes. Raises ImportError when it is missing."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ImportError(f"{module} is not installed", name=module)
    folder = Path(spec.origin).parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        st = path.stat()
        digest.update(path.name.encode() + b"\0" + (
            path.read_bytes() if contents else f"{st.st_size};{st.st_mtime_ns}".encode()))
    return digest.hexdigest()
