"""The requirement that installs this very brandgen, for a new project's requirements.txt."""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import unquote, urlsplit

from brandgen import __version__

# PyPI's "brandgen" is an unrelated project; this one is published as brandgen-ssg.
DIST = "brandgen-ssg"
_SCP = re.compile(r"^(?P<user>[\w.-]+)@(?P<host>[\w.-]+):(?P<path>[^/].*)$")

HEADER = ("# Installs brandgen for the GitHub Pages workflow: the same brandgen that created\n"
          "# this project. To upgrade, replace the line below (or run `brandgen init` again\n"
          "# elsewhere and copy its requirements.txt).\n")


def requirements_text(direct_url: dict[str, object] | None = None,
                      version: str = __version__) -> str:
    """requirements.txt: the VCS URL at its exact commit when brandgen came from a repository,
    else `brandgen-ssg==VERSION`. Never a file without a requirement."""
    info = _direct_url() if direct_url is None else direct_url
    return HEADER + (_from_vcs(info) or _from_checkout(info) or f"{DIST}=={version}") + "\n"


def _direct_url() -> dict[str, object]:
    """PEP 610 data pip recorded at install time ({} for an index install or none)."""
    try:
        text = distribution(DIST).read_text("direct_url.json")
    except PackageNotFoundError:
        return {}
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _from_vcs(info: dict[str, object]) -> str | None:
    """`pip install git+URL@REF` recorded the commit it resolved REF to: pin that commit."""
    vcs = info.get("vcs_info")
    url = info.get("url")
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git" or not isinstance(url, str):
        return None
    commit = vcs.get("commit_id")
    return f"{DIST} @ git+{url}" + (f"@{commit}" if isinstance(commit, str) and commit else "")


def _from_checkout(info: dict[str, object]) -> str | None:
    """Installed from a local git checkout (`pip install -e .`): its public remote at HEAD."""
    url = info.get("url")
    if not isinstance(url, str) or not url.startswith("file:") or "dir_info" not in info:
        return None
    folder = Path(unquote(urlsplit(url).path))
    remote = _git(folder, "remote", "get-url", "origin")
    commit = _git(folder, "rev-parse", "HEAD")
    if not remote or not commit:
        return None
    return f"{DIST} @ git+{public_url(remote)}@{commit}"


def public_url(remote: str) -> str:
    """An scp-style remote (git@github.com:o/r.git) as the https URL CI can fetch anonymously."""
    match = _SCP.match(remote)
    if match:
        return f"https://{match['host']}/{match['path']}"
    return remote


def _git(folder: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""
