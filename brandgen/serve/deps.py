"""Which pages a change can reach: a page's bytes are a pure function of its key.

A page is rendered from its `Output` (route, template, context), the parts of the site every
page shares, and the templates. `template_reads` finds, by walking the templates' syntax
trees, which fields of `site` they read at all (the bundled theme reads a few content
records, never the list of posts), so a post edit leaves the shared part of the key equal
and only the pages whose own `Output` changed are rendered again. A template that uses
`site` in any other way makes the whole site part of every page's key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import jinja2
from jinja2 import nodes

from brandgen.errors import SourceError
from brandgen.linkcheck import parse_links, resolve
from brandgen.public.context import template_site
from brandgen.public.templatecache import site_chains
from brandgen.public.views import Output, Site
from brandgen.responsive import ImageSet

WHOLE = ("*",)  # a template reads `site` in a way the walk cannot follow
Field = tuple[str, ...]


def _chains(tree: nodes.Node) -> Iterator[Field]:
    """Every use of `site` as the first two attributes it is read through (site.content.roles:
    two levels are enough to tell records apart); WHOLE where the walk cannot follow it."""
    for chain in site_chains(tree):
        yield chain[:2] if chain else WHOLE


def template_reads(env: jinja2.Environment) -> frozenset[Field]:
    """The fields of `site` the environment's templates read ({WHOLE} when unknown)."""
    found: set[Field] = set()
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".txt"))):
        try:
            assert env.loader is not None
            source = env.loader.get_source(env, name)[0]
            found.update(_chains(env.parse(source)))
        except jinja2.TemplateError:
            found.add(WHOLE)  # the render reports it; meanwhile assume everything
    return frozenset(found)


def _pick(obj: object, path: Field) -> object:
    for attr in path:
        obj = getattr(obj, attr, None)
    return obj


def shared_key(site: Site, reads: frozenset[Field], images: Mapping[str, ImageSet]) -> object:
    """What every page's bytes depend on besides its own Output (compared by value)."""
    view = template_site(site)
    fields = view if WHOLE in reads else tuple(
        (path, _pick(view, path)) for path in sorted(reads))
    return (site.urls.base_url, site.config.accent, site.content.profile, site.menu,
            dict(site.content.image_sizes), dict(site.fields_html), dict(images), fields)


@dataclass(frozen=True)
class PageMemo:
    """One rendered page and the Output it was rendered from."""

    output: Output
    file: str
    data: bytes


def stale_outputs(site: Site, previous: Mapping[str, PageMemo], same_shared: bool
                  ) -> list[Output]:
    """The outputs whose page must be rendered: new, or with a changed Output or file."""
    if not same_shared:
        return list(site.outputs)
    stale = []
    for out in site.outputs:
        memo = previous.get(out.route)
        if memo is None or memo.file != site.routes[out.route].file \
                or (memo.output is not out and memo.output != out):
            stale.append(out)
    return stale


def page_links(name: str, data: bytes, memo: dict[str, tuple[bytes, tuple[str, ...]]]
               ) -> tuple[str, ...]:
    """The links of a page, parsed once per content."""
    known = memo.get(name)
    if known is not None and (known[0] is data or known[0] == data):
        return known[1]
    links = parse_links(data)
    memo[name] = (data, links)
    return links


def broken_links(name: str, links: tuple[str, ...], files: Mapping[str, bytes], site: Site
                 ) -> list[SourceError]:
    """The link check's warnings for one page (the same words as `brandgen build`'s)."""
    out = []
    for link in links:
        target = resolve(link, site.urls)
        if target is not None and target not in files:
            out.append(SourceError(
                f"broken link {link!r}: no such file in the site", f"site/public/{name}",
                severity="warning",
                hint="fix the link in the content or template that produced this page"))
    return out


class LinkMemo:
    """The link check between rebuilds: each page's links parsed once per content, and its
    warnings kept until the page, or the set of file names, changes."""

    def __init__(self) -> None:
        self.links: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self.warnings: dict[str, list[SourceError]] = {}

    def check(self, public: Mapping[str, bytes], changed: frozenset[str],
              names_changed: bool, site: Site) -> list[SourceError]:
        """Every page's broken-link warnings, in the order of the page names."""
        pages = sorted(name for name in public if name.endswith(".html"))
        for name in pages:
            if names_changed or name in changed or name not in self.warnings:
                links = page_links(name, public[name], self.links)
                self.warnings[name] = broken_links(name, links, public, site)
        for name in set(self.warnings) - set(pages):
            del self.warnings[name]
            self.links.pop(name, None)
        return [w for name in pages for w in self.warnings[name]]
