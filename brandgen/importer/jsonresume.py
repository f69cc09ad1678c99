"""JSON Resume (https://jsonresume.org/schema) -> a Draft of brandgen's content files."""

from __future__ import annotations

from typing import Any

from brandgen.importer.draft import (
    DEFAULT_LEVEL,
    Draft,
    clean,
    level_of,
    parse_date,
    split_summary,
    web_url,
)

# Sections brandgen has no place for (yet): named in the report, never dropped silently.
UNMAPPED = ("volunteer", "awards", "publications", "languages", "interests", "references")
SECTIONS = frozenset({"basics", "work", "education", "certificates", "skills", "projects",
                      *UNMAPPED})


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [str(v).strip() for v in value if str(v).strip()] if isinstance(value, list) else []


def _date(draft: Draft, where: str, value: object) -> Any:
    parsed = parse_date(value)
    if value and parsed is None:
        draft.note(f"{where}: date {value!r} is not a date brandgen understands; left out")
    return parsed


def _basics(data: dict[str, Any], draft: Draft) -> None:
    b = _dict(data.get("basics"))
    vp, summary = split_summary(str(b.get("summary") or ""))
    loc = _dict(b.get("location"))
    location = ", ".join(str(loc[k]) for k in ("city", "region", "countryCode") if loc.get(k))
    links = []
    for i, p in enumerate(_list(b.get("profiles"))):
        url = web_url(p.get("url"))
        if url:
            links.append({"label": str(p.get("network") or p.get("username") or "Profile"),
                          "url": url})
        else:
            draft.note(f"basics.profiles[{i}] ({p.get('network', '?')}): no https:// URL; "
                       "left out")
    draft.profile = clean({"name": str(b.get("name") or ""), "headline": str(b.get("label") or ""),
                           "value_proposition": vp, "summary": summary, "location": location,
                           "email": str(b.get("email") or ""), "links": links})
    draft.base_url = web_url(b.get("url"))
    for key in ("phone", "image"):
        if b.get(key):
            draft.note(f"basics.{key}: brandgen has no field for it"
                       + ("; put the picture in content/static/ and set `avatar:`"
                          if key == "image" else ""))


def _work(data: dict[str, Any], draft: Draft) -> None:
    for i, w in enumerate(_list(data.get("work"))):
        where = f"work[{i}]"
        org, role = str(w.get("name") or w.get("company") or ""), str(w.get("position") or "")
        start = _date(draft, where, w.get("startDate"))
        if not (org and role and start):
            draft.note(f"{where}: needs a name, a position and a startDate; left out")
            continue
        for key in ("url", "description"):
            if w.get(key):
                draft.note(f"{where}.{key}: brandgen has no field for it")
        draft.roles.append(clean({
            "organization": org, "role": role, "start": start,
            "end": _date(draft, where, w.get("endDate")), "location": str(w.get("location") or ""),
            "summary": str(w.get("summary") or "").strip(),
            "highlights": _strings(w.get("highlights"))}))


def _education(data: dict[str, Any], draft: Draft) -> None:
    for i, e in enumerate(_list(data.get("education"))):
        where = f"education[{i}]"
        institution = str(e.get("institution") or "")
        degree = str(e.get("studyType") or "")
        if not institution or not degree:
            draft.note(f"{where}: needs an institution and a studyType; left out")
            continue
        for key in ("score", "courses", "url"):
            if e.get(key):
                draft.note(f"{where}.{key}: brandgen has no field for it")
        draft.degrees.append(clean({
            "institution": institution, "degree": degree, "field": str(e.get("area") or ""),
            "start": _date(draft, where, e.get("startDate")),
            "end": _date(draft, where, e.get("endDate"))}))
    for i, c in enumerate(_list(data.get("certificates"))):
        where = f"certificates[{i}]"
        date = _date(draft, where, c.get("date"))
        if not (c.get("name") and c.get("issuer") and date):
            draft.note(f"{where}: needs a name, an issuer and a date; left out")
            continue
        draft.certifications.append(clean({"name": str(c["name"]), "issuer": str(c["issuer"]),
                                           "date": date, "url": web_url(c.get("url"))}))


def _skills(data: dict[str, Any], draft: Draft) -> None:
    for i, s in enumerate(_list(data.get("skills"))):
        name = str(s.get("name") or "").strip()
        if not name or any(x["name"] == name for x in draft.skills):
            draft.note(f"skills[{i}]: no name, or a duplicate; left out")
            continue
        level = level_of(s.get("level"))
        if level is None:
            draft.note(f"skills[{i}] ({name}): level {s.get('level')!r} is not one brandgen "
                       f"knows; set to {DEFAULT_LEVEL}")
        draft.skills.append(clean({"name": name, "level": level or DEFAULT_LEVEL,
                                   "keywords": _strings(s.get("keywords"))}))


def _projects(data: dict[str, Any], draft: Draft) -> None:
    known = {s["name"] for s in draft.skills}
    for i, p in enumerate(_list(data.get("projects"))):
        title = str(p.get("name") or "").strip()
        if not title:
            draft.note(f"projects[{i}]: no name; left out")
            continue
        summary = " ".join(str(p.get("description") or p.get("summary") or "").split())
        if not summary:
            draft.note(f"projects[{i}] ({title}): no description; the summary repeats the title")
        keywords = _strings(p.get("keywords"))
        start = parse_date(p.get("startDate") or p.get("endDate"))
        year = start if isinstance(start, int) else int(str(start)[:4]) if start else None
        draft.projects.append(clean({
            "title": title, "summary": summary or title, "url": web_url(p.get("url")),
            "year": year, "skills": [k for k in keywords if k in known],
            "tags": [k for k in keywords if k not in known]}))


def from_json_resume(data: object, source: str) -> Draft:
    """Map a parsed JSON Resume document; everything left out is named in draft.notes."""
    draft = Draft(source)
    doc = _dict(data)
    _basics(doc, draft)
    _work(doc, draft)
    _education(doc, draft)
    _skills(doc, draft)
    _projects(doc, draft)
    if doc.get("skills"):
        draft.note("skills: JSON Resume has no categories; every skill is under 'Other' "
                   "until you add `category:`")
    for key in UNMAPPED:
        if doc.get(key):
            draft.note(f"{key}: {len(doc[key]) if isinstance(doc[key], list) else 1} "
                       "entries; brandgen has no section for them")
    return draft
