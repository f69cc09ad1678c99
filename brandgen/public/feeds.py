"""Machine-readable outputs: Atom feed, sitemap, robots.txt and resume.json."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import xml.etree.ElementTree as ET
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

from brandgen.fields import When
from brandgen.model import LEVEL_WORDS
from brandgen.public.views import Site

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 20


def _stamp(day: dt.date, timezone: str) -> str:
    return dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(timezone)).isoformat()


def absolutize(html: str, base_url: str, page_url: str = "") -> str:
    """Root-relative href/src ('/brand/x/') become absolute, as feed readers need; so do
    fragment-only links ('#fn1', heading anchors) when the page's own URL is given."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    html = re.sub(r'(\s(?:href|src))="/(?!/)', lambda m: f'{m.group(1)}="{origin}/', html)
    html = re.sub(r'(\ssrcset)="([^"]*)"',
                  lambda m: f'{m.group(1)}="{_absolute_candidates(m.group(2), origin)}"', html)
    if page_url:
        html = re.sub(r'(\shref)="#', lambda m: f'{m.group(1)}="{page_url}#', html)
    return html


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _absolute_candidates(srcset: str, origin: str) -> str:
    """'/a.webp 400w, /b.webp 800w' with each root-relative URL made absolute."""
    return re.sub(r"(^|,\s*)/(?!/)", lambda m: f"{m.group(1)}{origin}/", srcset)


def _xml(root: ET.Element) -> bytes:
    """Serialized by ElementTree, without the control characters XML 1.0 forbids (a title
    with one must not make the whole feed unreadable)."""
    for element in root.iter():
        if element.text:
            element.text = _NOT_XML.sub("", element.text)
        for key, value in element.attrib.items():
            element.attrib[key] = _NOT_XML.sub("", value)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def atom_feed(site: Site) -> bytes:
    """An Atom 1.0 feed of the newest posts, with full content and absolute URLs."""
    ET.register_namespace("", ATOM)
    tz = site.config.timezone
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = site.title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = site.description
    ET.SubElement(feed, f"{{{ATOM}}}id").text = site.routes[""].abs_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=site.routes["feed.xml"].abs_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=site.routes[""].abs_url)
    newest = max((p.updated or p.date for p in site.posts), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest, tz)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = site.content.profile.name
    ET.SubElement(author, f"{{{ATOM}}}uri").text = site.routes[""].abs_url
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "brandgen"
    for post in site.posts[:FEED_ENTRIES]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = post.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = post.abs_url
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                      href=post.abs_url)
        if post.canonical_url:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=post.canonical_url)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(post.date, tz)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(post.updated or post.date, tz)
        for tag in post.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=tag.name)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = post.description
        content = ET.SubElement(entry, f"{{{ATOM}}}content", type="html")
        content.text = absolutize(post.html, site.urls.base_url, post.abs_url)
    return _xml(feed)


SitemapEntries = tuple[tuple[str, str], ...]


def sitemap(site: Site) -> bytes:
    return sitemap_xml(sitemap_entries(site))


def sitemap_entries(site: Site) -> SitemapEntries:
    """(absolute URL, lastmod or '') of every page in the sitemap: all the sitemap shows."""
    return tuple((site.routes[out.route].abs_url, out.lastmod.isoformat() if out.lastmod
                  else "") for out in sorted(site.outputs, key=lambda o: o.route)
                 if out.in_sitemap)


@functools.lru_cache(maxsize=2)
def sitemap_xml(entries: SitemapEntries) -> bytes:
    """The sitemap of (absolute URL, lastmod or '') entries; the dev server asks again after
    each edit, and most edits leave every entry as it was."""
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for loc, lastmod in entries:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = loc
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod
    return _xml(urlset)


def robots_txt(site: Site) -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {site.routes['sitemap.xml'].abs_url}\n"
            ).encode()


def _iso(when: When | None) -> str | None:
    return when.iso if when else None


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def resume_json(site: Site) -> bytes:
    """The profile as JSON Resume (https://jsonresume.org/schema)."""
    c = site.content
    p = c.profile
    profiles = [_drop_empty({"network": link.label, "url": link.url}) for link in p.links]
    basics = _drop_empty({
        "name": p.name, "label": p.headline, "email": p.email or None,
        "url": site.routes[""].abs_url, "summary": p.value_proposition,
        "image": site.urls.absolute(p.avatar) if p.avatar else None,
        "location": {"city": p.location} if p.location else None, "profiles": profiles,
    })
    work = [_drop_empty({"name": r.organization, "position": r.role, "location": r.location,
                         "startDate": _iso(r.start), "endDate": _iso(r.end),
                         "summary": r.summary, "highlights": list(r.highlights)})
            for r in c.roles]
    education = [_drop_empty({"institution": d.institution, "studyType": d.degree,
                              "area": d.field, "startDate": _iso(d.start),
                              "endDate": _iso(d.end)}) for d in c.degrees]
    certificates = [_drop_empty({"name": x.name, "issuer": x.issuer, "date": _iso(x.date),
                                 "url": x.url}) for x in c.certifications]
    skills = [_drop_empty({"name": s.name, "level": LEVEL_WORDS[s.level],
                           "keywords": list(s.keywords)}) for s in c.skills]
    projects = [_drop_empty({"name": v.title, "description": v.summary,
                             "url": v.project.url
                             or site.routes[f"projects/{v.project.slug}/"].abs_url,
                             "keywords": list(v.project.skills) or None})
                for v in site.projects]
    data = _drop_empty({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/"
                   "schema.json",
        "basics": basics, "work": work, "education": education,
        "certificates": certificates, "skills": skills, "projects": projects,
        "meta": {"canonical": site.routes["resume.json"].abs_url, "version": "v1.0.0"},
    })
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()

