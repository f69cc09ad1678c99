"""brandgen.yaml: the site settings, loaded and validated all at once."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from brandgen.bundled import BUNDLED_THEMES
from brandgen.colors import check_accent, parse_hex
from brandgen.errors import Problems
from brandgen.fields import Fields
from brandgen.sources import read_text
from brandgen.yamlfile import parse_yaml

CONFIG_FILE = "brandgen.yaml"
_KEYS = ("title", "base_url", "language", "theme", "posts_per_page", "timezone", "accent",
         "social_images", "private", "follow_symlinks")
_PRIVATE_KEYS = ("output", "review_every_days", "checkin_every_days", "ghosted_after_days",
                 "posts_per_month", "example")


@dataclass(frozen=True)
class PrivateSettings:
    output: str = "site/private"
    review_every_days: int = 14
    checkin_every_days: int = 30
    ghosted_after_days: int = 21
    posts_per_month: int = 2
    example: bool = False


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    base_url: str  # always ends with "/"
    title: str | None = None
    language: str = "en"
    theme: str = "default"
    posts_per_page: int = 10
    timezone: str = "UTC"
    accent: str | None = None  # '#rrggbb', checked for contrast; None = the theme's own
    social_images: bool = True
    private: PrivateSettings = field(default_factory=PrivateSettings)
    follow_symlinks: bool = False  # content/static/ links out of the folder are published

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. '/brand/' (always starts and ends with '/')."""
        return urlsplit(self.base_url).path or "/"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"


def check_base_url(url: str) -> tuple[str | None, str]:
    """Normalise an absolute http(s) URL to end in '/'; (None, reason) when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, "base_url must be an absolute http(s) URL like https://ada.github.io/brand/"
    if parts.query or parts.fragment:
        return None, "base_url must not have a query or fragment"
    if parts.username or parts.password:
        return None, "base_url must not contain a user name or password"
    path = quote(parts.path, safe="/%:@!$&'()*+,;=~")
    path = path if path.endswith("/") else path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}", ""


def load_config(root: Path, problems: Problems, base_url: str | None = None) -> SiteConfig:
    """Read brandgen.yaml under `root`; errors go to `problems` (a default config is returned)."""
    path = root / CONFIG_FILE
    rel = CONFIG_FILE
    text = read_text(path, rel, problems)
    fallback = SiteConfig(root=root, base_url="http://localhost/")
    if text is None:
        if not path.exists():
            problems.errors.pop()
            problems.error("no brandgen.yaml here", rel, hint="run brandgen inside a site "
                           "project, or create one with `brandgen init DIR`")
        return fallback
    doc = parse_yaml(text, rel)
    for err in doc.errors:
        problems.add(err)
    if doc.root is None:
        if not doc.errors:
            problems.error("brandgen.yaml is empty", rel, 1, 1, "add at least `base_url:`")
        return fallback
    f = Fields(doc.root, rel, problems, "", _KEYS)
    url = base_url or f.text("base_url", required=True) or "http://localhost/"
    normal, reason = check_base_url(url)
    if normal is None:
        if base_url:
            problems.error(f"--base-url: {reason}", "<command line>")
        else:
            f.fail("base_url", f"not an absolute URL: {url!r}", reason)
        normal = "http://localhost/"
    theme = f.text("theme", default="default") or "default"
    if not ((root / "themes" / theme).is_dir() or (BUNDLED_THEMES / theme).is_dir()):
        f.fail("theme", f"unknown theme '{theme}'",
               "use `theme: default` or create themes/<name>/templates/")
        theme = "default"
    tz = f.text("timezone", default="UTC") or "UTC"
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        f.fail("timezone", f"unknown time zone {tz!r}", "use an IANA name like Europe/Berlin")
        tz = "UTC"
    accent = _accent(f)
    private = PrivateSettings()
    node = f.mapping("private")
    if node is not None:
        p = Fields(node, rel, problems, "private", _PRIVATE_KEYS)
        private = PrivateSettings(
            output=p.text("output", default="site/private") or "site/private",
            review_every_days=p.integer("review_every_days", low=1, default=14) or 14,
            checkin_every_days=p.integer("checkin_every_days", low=1, default=30) or 30,
            ghosted_after_days=p.integer("ghosted_after_days", low=1, default=21) or 21,
            posts_per_month=p.integer("posts_per_month", low=0, default=2) or 0,
            example=p.boolean("example"),
        )
    return SiteConfig(
        root=root,
        base_url=normal,
        title=f.text("title"),
        language=f.text("language", default="en") or "en",
        theme=theme,
        posts_per_page=f.integer("posts_per_page", low=1, default=10) or 10,
        timezone=tz,
        accent=accent,
        social_images=f.boolean("social_images", default=True),
        private=private,
        follow_symlinks=f.boolean("follow_symlinks"),
    )


def _accent(f: Fields) -> str | None:
    """The brand colour, refused (with a passing shade) when links would be hard to read."""
    if "accent" not in f.entries:
        return None
    node = f.at("accent")
    if node.value is None and node.kind == "null":
        f.fail("accent", "is empty", 'quote the colour: `accent: "#1d5fa6"` (an unquoted # '
               "starts a YAML comment)")
        return None
    value = f.text("accent") or ""
    rgb = parse_hex(value)
    if rgb is None:
        f.fail("accent", f"expected a colour like \"#1d5fa6\", got {value!r}",
               "write # and six hex digits, in quotes")
        return None
    problem = check_accent(rgb)
    if problem is not None:
        f.fail("accent", problem.message(rgb), problem.hint())
        return None
    return value.lower()
