"""Structured data for search engines: JSON-LD objects, serialized safely for <script>."""

from __future__ import annotations

from typing import Any

from brandgen.public.views import PostView, Site


def person_jsonld(site: Site) -> dict[str, Any]:
    p = site.content.profile
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": p.name,
        "jobTitle": p.headline,
        "description": p.value_proposition,
        "url": site.routes[""].abs_url,
    }
    if p.email:
        data["email"] = f"mailto:{p.email}"
    if p.avatar:
        data["image"] = site.urls.absolute(p.avatar)
    if p.links:
        data["sameAs"] = [link.url for link in p.links]
    if p.location:
        data["address"] = {"@type": "PostalAddress", "addressLocality": p.location}
    skills = [s.name for s in sorted(site.content.skills, key=lambda s: -s.level)]
    if skills:
        data["knowsAbout"] = skills
    if site.content.roles and site.content.roles[0].end is None:
        data["worksFor"] = {"@type": "Organization", "name": site.content.roles[0].organization}
    return data


def page_jsonld(site: Site, kind: str, name: str, description: str, route: str
                ) -> dict[str, Any]:
    """A WebPage (or Blog, CollectionPage) for pages without a more specific type."""
    p = site.content.profile
    return {
        "@context": "https://schema.org",
        "@type": kind,
        "name": name,
        "description": description,
        "url": site.routes[route].abs_url,
        "inLanguage": site.config.language,
        "isPartOf": {"@type": "WebSite", "name": site.title, "url": site.routes[""].abs_url},
        "author": {"@type": "Person", "name": p.name, "url": site.routes[""].abs_url},
    }


def post_jsonld(site: Site, post: PostView) -> dict[str, Any]:
    p = site.content.profile
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.description,
        "datePublished": post.date.isoformat(),
        "dateModified": (post.updated or post.date).isoformat(),
        "url": post.abs_url,
        "mainEntityOfPage": post.canonical_url or post.abs_url,
        "author": {"@type": "Person", "name": p.name, "url": site.routes[""].abs_url},
        "keywords": list(post.post.tags),
        "wordCount": post.text_words,
    }
    if post.post.image:
        data["image"] = site.urls.absolute(post.post.image)
    return data
