"""/cv.pdf: the CV page's content as a one-page PDF, laid out by Typst (the `typst` wheel).

The content goes to the theme's `cv.typ` as one JSON document (sys.inputs), so user text is
data, never Typst markup. Output is deterministic: no creation date, only the fonts built
into Typst (system fonts are ignored), so the same content gives the same bytes anywhere.
"""

from __future__ import annotations

import json
import pickle
import re
import tempfile
import unicodedata
from functools import lru_cache
from itertools import groupby
from typing import Any, NamedTuple

import jinja2

from brandgen.cache import Cache
from brandgen.errors import Problems
from brandgen.fields import When
from brandgen.libversions import library_version
from brandgen.model import Content, Skill
from brandgen.plaintext import inline_text
from brandgen.public.fileslots import FileSlots
from brandgen.public.views import Site
from brandgen.typography import markdown_settings
from brandgen.urls import display_url

TEMPLATE = "cv.typ"
DEFAULT_ACCENT = "#1d5fa6"
INSTALL_HINT = "install it with `pip install 'typst>=0.15'` (the compiler is inside the wheel)"


def paper_for(language: str) -> str:
    """Letter where that is the norm for the site's language (en-US), else A4."""
    return "us-letter" if language.lower().replace("_", "-") in ("en-us", "en-ca", "es-us") \
        else "a4"


def _lang_region(language: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?(?:[-_].*)?", language)
    if not match:
        return "en", None
    return match.group(1).lower(), match.group(2).lower() if match.group(2) else None


def _month(value: When | None) -> str:
    if value is None:
        return "Present"
    return str(value.date.year) if value.precision == "year" else f"{value.date:%b %Y}"


def _plain(markdown: str, language: str) -> str:
    """A Markdown field as the text a reader sees (the PDF sets it as plain text), with the
    same typographic quotes as the page."""
    from brandgen.markdown import make_markdown  # the engine: only when the CV is made

    tokens = make_markdown(allow_html=False, settings=markdown_settings(language)).parse(markdown)
    return " ".join(inline_text(t) for t in tokens if t.type == "inline").strip()


def _skill_groups(content: Content) -> list[dict[str, Any]]:
    """As on /cv/: categories by name, strongest skills first, then by name."""
    def category(s: Skill) -> str:
        return str(s.category or "Other")

    groups = []
    for name, skills in groupby(sorted(content.skills, key=category), key=category):
        ordered = sorted(sorted(skills, key=lambda s: s.name), key=lambda s: -s.level)
        groups.append({"category": name, "names": [s.name for s in ordered]})
    return groups


def cv_data(site: Site) -> dict[str, Any]:
    """Everything the PDF shows, from the public model only."""
    c, p = site.content, site.content.profile
    lang, region = _lang_region(site.config.language)
    contact = ([{"text": p.location, "url": ""}] if p.location else []) \
        + ([{"text": p.email, "url": f"mailto:{p.email}"}] if p.email else []) \
        + [{"text": display_url(u), "url": u} for u in
           [site.urls.absolute(""), *(link.url for link in p.links)]]
    return {
        "title": f"{p.name} — CV", "author": p.name, "lang": lang, "region": region,
        "paper": paper_for(site.config.language),
        "accent": getattr(site.config, "accent", None) or DEFAULT_ACCENT,
        "name": p.name, "headline": p.headline, "profile": p.value_proposition,
        "contact": contact,
        "roles": [{"role": r.role, "organization": r.organization,
                   "dates": f"{_month(r.start)} – {_month(r.end)}", "location": r.location,
                   "summary": _plain(r.summary, site.config.language) if r.summary else "",
                   "highlights": list(r.highlights)} for r in c.roles],
        "degrees": [{"title": d.degree + (f", {d.field}" if d.field else ""),
                     "institution": d.institution,
                     "dates": (f"{_month(d.start)} – " if d.start else "")
                     + (_month(d.end) if d.end or d.start else "")} for d in c.degrees],
        "certifications": [{"name": x.name, "issuer": x.issuer, "date": _month(x.date),
                            "url": x.url} for x in c.certifications],
        "skills": _skill_groups(c),
    }


def uncovered(data: dict[str, Any]) -> str:
    """Characters the PDF's fonts lack: wide East Asian script and emoji (Typst's built-in
    Libertinus Serif, New Computer Modern and DejaVu Sans Mono cover Latin, Greek,
    Cyrillic and Hebrew). Typst draws them as boxes without a word, so brandgen says so."""
    text = json.dumps(data, ensure_ascii=False)
    return "".join(dict.fromkeys(ch for ch in text if ord(ch) > 0x2000
                                 and unicodedata.east_asian_width(ch) in ("W", "F")))


def _template(env: jinja2.Environment) -> tuple[str, str]:
    """The theme's cv.typ (a site override wins), through the same loaders as the HTML."""
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, TEMPLATE)
    return source, filename or TEMPLATE


class CompiledCv(NamedTuple):
    """What Typst made of the CV: the PDF and its layout (for the "does not fit" warning)."""

    pdf: bytes
    fits: bool  # on one page
    pages: int


@lru_cache(maxsize=8)
def _compile(template: str, data: str) -> CompiledCv:
    """The PDF and its layout; memoized so the dev server does not redo it per edit."""
    import typst

    # Module functions, not typst.Compiler: its query() cannot read in-memory input (0.15).
    source, inputs = template.encode(), {"data": data}
    # Typst reads files under its root (the working folder by default, i.e. the project
    # with content/private/): an empty root means a theme's cv.typ can read nothing.
    with tempfile.TemporaryDirectory(prefix="brandgen-typst-") as empty:
        # (the stubs want root typed like the input, bytes; at run time it must be a str)
        pdf = typst.compile(source, format="pdf",  # type: ignore[call-overload]
                            ignore_system_fonts=True, sys_inputs=inputs, root=empty)
        found = json.loads(typst.query(source, "metadata", field="value",  # type: ignore[type-var]
                                       root=empty, ignore_system_fonts=True,
                                       sys_inputs=inputs))
    fit = {k: v for item in found if isinstance(item, dict) for k, v in item.items()}
    # A theme's own cv.typ may leave the metadata out: then nothing is known to be wrong.
    return CompiledCv(pdf, bool(fit.get("fits", True)), int(fit.get("pages", 1)))


class PdfSlot:
    """The CV as an earlier build compiled it from the same template, data and Typst
    (~110 ms a build: importing Typst and laying out the page). Looked up and stored by the
    build's process; `known` and `made` travel to and from a forked worker by value. A hit
    needs Typst installed (its version is in the key) but does not import it: an install
    broken since the last build shows only when the CV changes."""

    def __init__(self, cache: Cache | None, site: Site, env: jinja2.Environment) -> None:
        self.slots: FileSlots | None = None
        self.known: CompiledCv | None = None
        self.made: CompiledCv | None = None  # set by cv_pdf when it compiled
        self.inputs: tuple[str, str] | None = None
        if cache is None:
            return
        try:
            template = _template(env)[0]
            typst = library_version("typst")
        except (jinja2.TemplateError, ImportError):
            return  # cv_pdf says what is wrong
        data = json.dumps(cv_data(site), ensure_ascii=False, sort_keys=True)
        self.slots = FileSlots(cache, lambda: {"cv.pdf": (template, data, typst)})
        found = self.slots.known.get("cv.pdf")
        self.known = _decode(found) if found is not None else None
        self.inputs = (template, data)

    def store(self, made: CompiledCv | None) -> None:
        """Keep what cv_pdf compiled (`made`: None when it compiled nothing) in the slot."""
        if self.slots is not None and made is not None and self.known is None:
            self.slots.store({"cv.pdf": pickle.dumps(tuple(made), protocol=5)})


def _decode(data: bytes) -> CompiledCv | None:
    try:
        pdf, fits, pages = pickle.loads(data)  # ours, checked by its sha256
    except Exception:
        return None
    ok = type(pdf) is bytes and type(fits) is bool and type(pages) is int
    return CompiledCv(pdf, fits, pages) if ok else None


def cv_pdf(site: Site, env: jinja2.Environment, problems: Problems,
           slot: PdfSlot | None = None) -> bytes | None:
    """The PDF, or None with an error that says how to fix it; `slot`: the compiled CV
    when an earlier build made it from the same inputs (and where a new one is put)."""
    try:
        template, filename = _template(env)
    except jinja2.TemplateNotFound:
        problems.error("the theme has no cv.typ for /cv.pdf", "themes", hint="add "
                       "templates/cv.typ to the theme, or extend the default theme's")
        return None
    except jinja2.TemplateSyntaxError as e:  # not UTF-8, or not a regular file
        problems.error(f"cannot read {TEMPLATE} for /cv.pdf: {e.message}",
                       _short(e.filename or TEMPLATE, site), e.lineno or 0, 1,
                       "make it a regular UTF-8 text file")
        return None
    content = cv_data(site)
    data = json.dumps(content, ensure_ascii=False, sort_keys=True)
    known = slot.known if slot is not None and slot.inputs == (template, data) else None
    if known is None:
        try:
            import typst  # noqa: F401
        except ImportError as e:
            problems.error(f"/cv.pdf needs the Python package typst, which cannot be loaded "
                           f"({e})", "brandgen.yaml", hint=INSTALL_HINT)
            return None
    missing = uncovered(content)
    if missing:
        problems.warn(f"/cv.pdf has no font for {missing[:12]!r}: those characters show as "
                      "boxes in the PDF (the web CV is fine)", "content/profile.yaml",
                      hint="the PDF's fonts cover Latin, Greek, Cyrillic and Hebrew; a theme "
                           "can set another font in its own templates/cv.typ")
    try:
        compiled = known or _compile(template, data)
    except Exception as e:  # typst.TypstError, or a broken install
        message = getattr(e, "message", None) or str(e)
        problems.error(f"cannot make /cv.pdf: {message}", _short(filename, site),
                       hint="fix the template; if it is the default one, reinstall typst: "
                       + INSTALL_HINT)
        return None
    if slot is not None and known is None:
        slot.made = compiled
    if not compiled.fits:
        problems.warn(f"the CV does not fit on one page even in 7.5 pt type: /cv.pdf has "
                      f"{compiled.pages} pages", "content/experience.yaml",
                      hint="shorten summaries and highlights, or list fewer older roles")
    return compiled.pdf


def _short(filename: str, site: Site) -> str:
    root = str(site.config.root.resolve()) + "/"
    return filename.removeprefix(root)
