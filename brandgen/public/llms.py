"""`/llms.txt` (https://llmstxt.org): the public site as a Markdown index for language models.

An H1 with the site's name, a blockquote summary, then H2 sections of
`- [Title](absolute URL): one-line summary`. Built from the assembled public site only, so it
lists exactly the pages a visitor can open; the privacy scan reads it like every output.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from brandgen.public.views import Site

# Markdown's markup characters, each escaped with a backslash (str.translate: one C pass)
_ESCAPED = str.maketrans({c: "\\" + c for c in "\\`*_[]<>"})


def _text(value: str) -> str:
    """One line of Markdown text: whitespace folded, markup characters escaped."""
    return " ".join(value.split()).translate(_ESCAPED)


@functools.lru_cache(maxsize=16384)  # the dev server makes the index again after each edit
def _item(title: str, url: str, summary: str) -> str:
    # The URLs come from the route table: absolute and percent-encoded, never with ( ) or
    # spaces that would end the link early.
    line = f"- [{_text(title)}]({url})"
    return f"{line}: {_text(summary)}" if summary.strip() else line


Item = tuple[str, str, str]  # title, absolute URL, one-line summary


class LlmsIndex(NamedTuple):
    """All that llms.txt shows of the site: plain strings, so the file is a pure function of
    this value (and whether there is a PDF) and can be kept in the cache by its digest."""

    title: str
    description: str
    about: str
    pages: tuple[Item, ...]  # home, CV, projects, writing, then the Markdown pages
    posts: tuple[Item, ...]
    projects: tuple[Item, ...]
    pdf: Item
    optional: tuple[Item, ...]


def llms_index(site: Site) -> LlmsIndex:
    """What llms.txt shows of `site`."""
    routes, profile = site.routes, site.content.profile
    described = {out.route: out.description for out in site.outputs}
    pages = [("Home", routes[""].abs_url, profile.headline),
             ("CV", routes["cv/"].abs_url, described["cv/"])]
    if site.projects:
        pages.append(("Projects", routes["projects/"].abs_url, described["projects/"]))
    if site.posts:
        pages.append(("Writing", routes["blog/"].abs_url, described["blog/"]))
    for page in site.pages:
        route = f"{page.page.slug}/"
        pages.append((page.title, routes[route].abs_url, described[route]))
    return LlmsIndex(
        site.title, site.description, f"The personal site of {profile.name}, {profile.headline}.",
        tuple(pages), tuple((post.title, post.abs_url, post.description) for post in site.posts),
        tuple((p.title, routes[f"projects/{p.project.slug}/"].abs_url, p.summary)
              for p in site.projects),
        ("CV as PDF", routes.urls.absolute("cv.pdf"),
         f"The CV of {profile.name} as a one-page PDF."),
        (("resume.json", routes["resume.json"].abs_url,
          "The CV as JSON Resume (https://jsonresume.org)."),
         ("Atom feed", routes["feed.xml"].abs_url, "The newest posts with their full text.")))


def llms_txt(site: Site, has_pdf: bool = False) -> bytes:
    """The llms.txt index of every public page worth reading, with its description."""
    return llms_text(llms_index(site), has_pdf)


def llms_text(index: LlmsIndex, has_pdf: bool = False) -> bytes:
    """llms.txt from its index alone (it reads nothing else)."""
    lines = [f"# {_text(index.title)}", "", f"> {_text(index.description)}", "",
             _text(index.about), "", "## Pages", ""]
    lines += [_item(*item) for item in index.pages]
    if index.posts:
        lines += ["", "## Posts", ""]
        lines += [_item(*item) for item in index.posts]
    if index.projects:
        lines += ["", "## Projects", ""]
        lines += [_item(*item) for item in index.projects]
    lines += ["", "## Optional", ""]
    if has_pdf:
        lines.append(_item(*index.pdf))
    lines += [_item(*item) for item in index.optional]
    return ("\n".join(lines) + "\n").encode()
