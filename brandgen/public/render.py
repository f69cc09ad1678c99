"""Render the assembled site into bytes in memory: {output path: content}."""

from __future__ import annotations

from xml.sax.saxutils import escape

import jinja2

from brandgen.errors import Problems
from brandgen.markdown import syntax_css
from brandgen.public.assemble import Site
from brandgen.public.feeds import atom_feed, resume_json, robots_txt, sitemap
from brandgen.public.views import Output
from brandgen.themes import template_error
from brandgen.urls import output_file


def page_meta(site: Site, out: Output) -> dict[str, object]:
    image = out.image_url or (site.urls.path(site.content.profile.avatar)
                              if site.content.profile.avatar else "")
    return {
        "route": out.route,
        "title": out.title,
        "description": out.description,
        "canonical": site.urls.absolute(out.route),
        "og_type": out.og_type,
        "image": site.urls.origin + image if image else "",
        "jsonld": out.jsonld,
        "noindex": out.noindex,
    }

def render_pages(site: Site, env: jinja2.Environment, problems: Problems) -> dict[str, bytes]:
    """Every HTML page; a template error is reported once per template, with its line."""
    urls = site.urls
    common = {
        "site": site,
        "profile": site.content.profile,
        "menu": site.menu,
        "url": urls.path,
        "abs_url": urls.absolute,
        "asset": lambda name: urls.path(f"assets/{name}"),
    }
    files: dict[str, bytes] = {}
    failed: set[str] = set()
    for out in site.outputs:
        if out.template in failed:
            continue
        try:
            template = env.get_template(out.template)
            html = template.render({**common, **out.context, "page": page_meta(site, out)})
        except Exception as e:
            failed.add(out.template)
            problems.add(template_error(e, out.template, site.config.root))
            continue
        files[output_file(out.route)] = html.encode()
    return files

def render_site(site: Site, env: jinja2.Environment, problems: Problems) -> dict[str, bytes]:
    """All generated files of the public site (static files are added by the writer)."""
    files = render_pages(site, env, problems)
    files["feed.xml"] = atom_feed(site)
    files["sitemap.xml"] = sitemap(site)
    files["robots.txt"] = robots_txt(site)
    files["resume.json"] = resume_json(site)
    files[".nojekyll"] = b""
    files["assets/syntax.css"] = syntax_css().encode()
    files["assets/favicon.svg"] = favicon_svg(site.content.profile.name).encode()
    return files

def favicon_svg(name: str) -> str:
    """A monogram favicon from the person's initials, in the accent colour (dark-aware)."""
    initials = "".join(w[0] for w in name.split()[:2] if w[:1].isalpha()).upper() or "•"

    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            "<style>rect{fill:#1d5fa6}text{fill:#fff}@media (prefers-color-scheme:dark)"
            "{rect{fill:#8ab8f0}text{fill:#131519}}</style>"
            '<rect width="64" height="64" rx="14"/>'
            '<text x="32" y="42" font-family="system-ui,sans-serif" font-size="28" '
            f'font-weight="700" text-anchor="middle">{escape(initials)}</text></svg>\n')
