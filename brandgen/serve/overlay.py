"""The error overlay: each error as `path:line:col: error: message`, its hint and its source.

Rendered once per failed build (reading the files then), HTML-escaped throughout, styled by
one `<style>` for the page's <head> so that it stays readable in light and dark mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape
from pathlib import Path

from brandgen.errors import SourceError

CONTEXT_LINES = 2
MAX_SOURCE_BYTES = 2_000_000  # larger files are not excerpted

OVERLAY_ID = "brandgen-overlay"

STYLE = """<style id="brandgen-overlay-style">
#brandgen-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;
padding:2rem 1rem;background:rgba(0,0,0,.6);font:15px/1.5 ui-monospace,SFMono-Regular,
Menlo,Consolas,monospace;text-align:left;--bg-panel:#fff;--bg-text:#111;--bg-muted:#444;
--bg-red:#b00020;--bg-code:#f3f3f3;--bg-mark:#ffe08a;--bg-border:#b00020}
@media (prefers-color-scheme:dark){#brandgen-overlay{--bg-panel:#17171b;--bg-text:#f4f4f4;
--bg-muted:#c8c8c8;--bg-red:#ff8a80;--bg-code:#24242a;--bg-mark:#5a4500;--bg-border:#ff8a80}}
#brandgen-overlay .bg-panel{max-width:64rem;margin:0 auto;padding:1.25rem 1.5rem;
background:var(--bg-panel);color:var(--bg-text);border-top:6px solid var(--bg-border);
border-radius:6px;box-shadow:0 10px 40px rgba(0,0,0,.5)}
#brandgen-overlay h2{margin:0 0 .75rem;font:700 1.15rem/1.3 system-ui,sans-serif;
color:var(--bg-red)}
#brandgen-overlay ol{margin:0;padding:0;list-style:none}
#brandgen-overlay li{margin:0 0 1.25rem}
#brandgen-overlay pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;color:inherit;
background:none;font:inherit;border:0;padding:0}
#brandgen-overlay .bg-message{font-weight:700}
#brandgen-overlay .bg-hint{margin:.25rem 0 0;color:var(--bg-muted)}
#brandgen-overlay .bg-source{margin-top:.5rem;padding:.5rem .75rem;background:var(--bg-code);
border-radius:4px;white-space:pre;overflow-x:auto}
#brandgen-overlay mark{display:inline-block;min-width:100%;background:var(--bg-mark);
color:var(--bg-text)}
#brandgen-overlay .bg-foot{margin:.5rem 0 0;color:var(--bg-muted);
font:.9rem/1.4 system-ui,sans-serif}
#brandgen-overlay button{float:right;font:inherit;color:var(--bg-text);
background:var(--bg-code);border:1px solid var(--bg-muted);border-radius:4px;
padding:.1rem .6rem;cursor:pointer}
</style>"""


def error_line(error: SourceError) -> str:
    """`path:line:col: error: message`, without the hint."""
    return replace(error, hint="").format()


def read_source(error: SourceError, root: Path) -> list[str] | None:
    """The lines of the file an error points at, or None when there is nothing to show."""
    if error.line <= 0 or not error.path or error.path.startswith("<"):
        return None
    path = Path(error.path)
    path = path if path.is_absolute() else root / path
    try:
        if not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def source_excerpt(lines: Sequence[str], line: int, context: int = CONTEXT_LINES
                   ) -> list[tuple[int, str, bool]]:
    """(line number, text, is the error's line) for the lines around `line` (1-based)."""
    first = max(1, line - context)
    last = min(len(lines), line + context)
    return [(n, lines[n - 1], n == line) for n in range(first, last + 1)]


def render_source(excerpt: list[tuple[int, str, bool]], column: int) -> str:
    if not excerpt:
        return ""
    width = len(str(excerpt[-1][0]))
    rows: list[str] = []
    for number, text, marked in excerpt:
        row = f"{'>' if marked else ' '} {number:>{width}} | {text}"
        if marked:
            rows.append(f"<mark>{escape(row)}</mark>")
            if column > 0:
                rows.append(escape(f"  {' ' * width} | {' ' * (column - 1)}^"))
        else:
            rows.append(escape(row))
    return '<pre class="bg-source">' + "\n".join(rows) + "</pre>"


def render_error(error: SourceError, root: Path) -> str:
    parts = [f'<li><pre class="bg-message">{escape(error_line(error))}</pre>']
    if error.hint:
        parts.append(f'<p class="bg-hint">hint: {escape(error.hint)}</p>')
    lines = read_source(error, root)
    if lines is not None:
        parts.append(render_source(source_excerpt(lines, error.line),
                                   error.column))
    parts.append("</li>")
    return "".join(parts)


def render_overlay(errors: Sequence[SourceError], root: Path, has_build: bool = True) -> str:
    """The overlay's markup (without STYLE); empty when there are no errors."""
    if not errors:
        return ""
    n = len(errors)
    title = f"Build failed: {n} error{'s' if n != 1 else ''}"
    items = "".join(render_error(error, root) for error in errors)
    behind = ("The page underneath is the last good build." if has_build
              else "No page has been built yet.")
    return (f'<div id="{OVERLAY_ID}" role="alertdialog" aria-modal="false" '
            f'aria-labelledby="brandgen-overlay-title"><div class="bg-panel">'
            f'<button type="button" onclick="this.closest(\'#{OVERLAY_ID}\').remove()">'
            f"Close</button>"
            f'<h2 id="brandgen-overlay-title">{escape(title)}</h2><ol>{items}</ol>'
            f'<p class="bg-foot">{behind} Fix the file and save: this page reloads by '
            f"itself.</p></div></div>")


def failure_page(overlay: str) -> str:
    """A whole document for when no build has succeeded yet: only the overlay exists."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Build failed · brandgen</title>{STYLE}</head>"
            f"<body>{overlay}</body></html>\n")
