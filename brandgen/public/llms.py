"""`/llms.txt` (https://llmstxt.org): the public site as a Markdown index for language models.

An H1 with the site's name, a blockquote summary, then H2 sections of
`- [Title](absolute URL): one-line summary`. Built from the assembled public site only, so it
lists exactly the pages a visitor can open; the privacy scan reads it like every output.
"""

from __future__ import annotations

import functools

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


def llms_txt(site: Site, has_pdf: bool = False) -> bytes:
    """The llms.txt index of every public page worth reading, with its description."""
    routes, profile = site.routes, site.content.profile
    described = {out.route: out.description for out in site.outputs}
    lines = [f"# {_text(site.title)}", "", f"> {_text(site.description)}", "",
             _text(f"The personal site of {profile.name}, {profile.headline}."), "",
             "## Pages", "",
             _item("Home", routes[""].abs_url, profile.headline),
             _item("CV", routes["cv/"].abs_url, described["cv/"])]
    if site.projects:
        lines.append(_item("Projects", routes["projects/"].abs_url, described["projects/"]))
    if site.posts:
        lines.append(_item("Writing", routes["blog/"].abs_url, described["blog/"]))
    for page in site.pages:
        route = f"{page.page.slug}/"
        lines.append(_item(page.title, routes[route].abs_url, described[route]))
    if site.posts:
        lines += ["", "## Posts", ""]
        lines += [_item(post.title, post.abs_url, post.description) for post in site.posts]
    if site.projects:
        lines += ["", "## Projects", ""]
        lines += [_item(p.title, routes[f"projects/{p.project.slug}/"].abs_url, p.summary)
                  for p in site.projects]
    lines += ["", "## Optional", ""]
    if has_pdf:
        lines.append(_item("CV as PDF", routes.urls.absolute("cv.pdf"),
                           f"The CV of {profile.name} as a one-page PDF."))
    lines += [_item("resume.json", routes["resume.json"].abs_url,
                    "The CV as JSON Resume (https://jsonresume.org)."),
              _item("Atom feed", routes["feed.xml"].abs_url,
                    "The newest posts with their full text.")]
    return ("\n".join(lines) + "\n").encode()
