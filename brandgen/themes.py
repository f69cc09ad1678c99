"""Theme lookup and the Jinja environment (autoescape, StrictUndefined, override + extend)."""

from __future__ import annotations

import datetime as dt
import json
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from brandgen.bundled import BUNDLED_THEMES as BUNDLED
from brandgen.errors import SourceError
from brandgen.fields import When
from brandgen.markdown import render_doc
from brandgen.model import LEVEL_WORDS
from brandgen.urls import display_url


@dataclass(frozen=True)
class Theme:
    name: str
    template_dirs: tuple[Path, ...]  # site override first
    static_dirs: tuple[Path, ...]  # theme first, so the site's copy wins when written later


def find_theme(root: Path, name: str) -> Theme | None:
    """The theme `name`: a local `themes/<name>/` over the bundled theme of that name."""
    local, bundled = root / "themes" / name, BUNDLED / name
    # In brandgen's own checkout the project's themes/ is the bundled folder itself.
    dirs = list(dict.fromkeys(d.resolve() for d in (local, bundled) if d.is_dir()))
    if not dirs:
        return None
    chain = dirs if bundled.is_dir() else [*dirs, BUNDLED / "default"]
    return Theme(name,
                 tuple(d / "templates" for d in chain if (d / "templates").is_dir()),
                 tuple(d / "static" for d in reversed(chain) if (d / "static").is_dir()))


def _date_long(value: dt.date | When | None) -> str:
    if value is None:
        return "Present"
    if isinstance(value, When):
        return _month(value)
    return f"{value.day} {value:%B %Y}"


def _date_short(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def _month(value: When | None) -> str:
    if value is None:
        return "Present"
    if value.precision == "year":
        return str(value.date.year)
    return f"{value.date:%b %Y}"


def script_json(data: object) -> str:
    """JSON for inside <script>: '<', '>' and '&' escaped so '</script>' cannot end it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _jsonld(value: object) -> Markup:
    return Markup(script_json(value))


@jinja2.pass_context
def _markdown(context: jinja2.runtime.Context, text: str) -> Markup:
    """Markdown from a YAML field; raw HTML in it is escaped, like every YAML value.

    The fields the site knows of were rendered by the Markdown stage (links resolved);
    anything else a theme passes in is rendered here, its links left as written."""
    known: dict[str, str] = getattr(context.get("site"), "fields_html", {})
    if text in known:
        return Markup(known[text])
    return Markup(render_doc(text, allow_html=False).unresolved_html())


def make_environment(theme: Theme) -> jinja2.Environment:
    """One environment per build (or per dev-server session), reused for every page."""
    site_loader = jinja2.FileSystemLoader([str(d) for d in theme.template_dirs])
    default = jinja2.FileSystemLoader(str(BUNDLED / "default" / "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([site_loader, jinja2.PrefixLoader({"default": default})]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build sees one state of the files; no mtime check per page
    )
    env.filters.update(date_long=_date_long, date_short=_date_short, month=_month,
                       display_url=display_url, jsonld=_jsonld, markdown=_markdown,
                       level_word=lambda n: LEVEL_WORDS.get(int(n), ""))
    return env


def template_error(error: Exception, fallback: str, root: Path) -> SourceError:
    """A template problem as a positioned error: the template file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return SourceError(f"template error: {error.message}",
                           _short(error.filename or error.name or fallback, root),
                           error.lineno or 0, 1, "fix the template syntax")
    if isinstance(error, jinja2.TemplateNotFound):
        return SourceError(f"template not found: {error.name}", fallback, 0, 0,
                           "add the template to your theme or fix the name")
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename and f.filename.endswith((".html", ".xml", ".txt"))]
    if frames:
        frame = frames[-1]
        return SourceError(f"template error: {error}", _short(frame.filename, root),
                           frame.lineno or 0, 1, "check the variable names used there")
    return SourceError(f"template error: {error}", fallback, 0, 0)


def _short(path: str, root: Path) -> str:
    """A template path relative to the project, or to the installed package for bundled ones."""
    p = Path(path)
    for base in (root, BUNDLED.parent):
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return p.as_posix()
