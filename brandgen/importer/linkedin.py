"""A LinkedIn data export (.zip of CSV files) -> a Draft of brandgen's content files.

Columns as LinkedIn writes them ("Get a copy of your data"): Profile.csv (First Name, Last
Name, Headline, Summary, Geo Location, Websites, ...), Positions.csv (Company Name, Title,
Description, Location, Started On, Finished On), Education.csv (School Name, Start Date,
End Date, Notes, Degree Name, Activities), Skills.csv (Name), Certifications.csv (Name, Url,
Authority, Started On, Finished On, License Number), Projects.csv (Title, Description, Url,
Started On, Finished On). Only these files (and Email Addresses.csv) are ever opened:
messages and connections in the same archive are private and stay unread.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

from brandgen.importer.draft import DEFAULT_LEVEL, Draft, clean, parse_date, split_summary

FILES = ("Profile.csv", "Positions.csv", "Education.csv", "Skills.csv", "Certifications.csv",
         "Projects.csv")
EMAILS = "Email Addresses.csv"


def read_tables(archive: zipfile.ZipFile) -> dict[str, list[dict[str, str]]]:
    """The known CSV files of the archive (at any folder depth), as rows keyed by column."""
    by_name = {name.rsplit("/", 1)[-1].lower(): name for name in archive.namelist()}
    tables: dict[str, list[dict[str, str]]] = {}
    for wanted in (*FILES, EMAILS):
        member = by_name.get(wanted.lower())
        if member is None:
            continue
        text = archive.read(member).decode("utf-8-sig", "replace")
        tables[wanted] = [{(k or "").strip(): (v or "").strip() for k, v in row.items()}
                          for row in csv.DictReader(io.StringIO(text))]
    return tables


def _date(draft: Draft, where: str, value: str) -> Any:
    parsed = parse_date(value)
    if value and parsed is None:
        draft.note(f"{where}: date {value!r} is not a date brandgen understands; left out")
    return parsed


def _profile(rows: list[dict[str, str]], emails: list[dict[str, str]], draft: Draft) -> None:
    row = rows[0] if rows else {}
    vp, summary = split_summary(row.get("Summary", ""))
    links = [{"label": "Website", "url": url}
             for url in re.findall(r"https?://[^\s,\]\[]+", row.get("Websites", ""))]
    primary = [e for e in emails if e.get("Primary", "").lower() == "yes"] or emails
    draft.profile = clean({
        "name": " ".join(x for x in (row.get("First Name"), row.get("Last Name")) if x),
        "headline": row.get("Headline", ""), "value_proposition": vp, "summary": summary,
        "location": row.get("Geo Location", ""),
        "email": primary[0].get("Email Address", "") if primary else "", "links": links})
    for key in ("Twitter Handles", "Instant Messengers", "Address", "Industry"):
        if row.get(key):
            draft.note(f"Profile.csv {key}: brandgen has no field for it")


def _positions(rows: list[dict[str, str]], draft: Draft) -> None:
    for i, row in enumerate(rows, start=2):  # CSV line numbers: the header is line 1
        where = f"Positions.csv line {i}"
        org, role = row.get("Company Name", ""), row.get("Title", "")
        start = _date(draft, where, row.get("Started On", ""))
        if not (org and role and start):
            draft.note(f"{where} ({role or org or '?'}): needs Company Name, Title and "
                       "Started On; left out")
            continue
        draft.roles.append(clean({
            "organization": org, "role": role, "start": start,
            "end": _date(draft, where, row.get("Finished On", "")),
            "location": row.get("Location", ""), "summary": row.get("Description", "")}))


def _education(rows: list[dict[str, str]], certs: list[dict[str, str]], draft: Draft) -> None:
    for i, row in enumerate(rows, start=2):
        where = f"Education.csv line {i}"
        school, degree = row.get("School Name", ""), row.get("Degree Name", "")
        if not (school and degree):
            draft.note(f"{where} ({school or degree or '?'}): needs School Name and Degree "
                       "Name; left out")
            continue
        for key in ("Notes", "Activities"):
            if row.get(key):
                draft.note(f"{where} {key}: brandgen has no field for it")
        draft.degrees.append(clean({
            "institution": school, "degree": degree, "field": row.get("Field Of Study", ""),
            "start": _date(draft, where, row.get("Start Date", "")),
            "end": _date(draft, where, row.get("End Date", ""))}))
    for i, row in enumerate(certs, start=2):
        where = f"Certifications.csv line {i}"
        date = _date(draft, where, row.get("Started On", ""))
        if not (row.get("Name") and row.get("Authority") and date):
            draft.note(f"{where} ({row.get('Name') or '?'}): needs Name, Authority and "
                       "Started On; left out")
            continue
        if row.get("License Number"):
            draft.note(f"{where} License Number: brandgen has no field for it")
        url = row.get("Url", "")
        draft.certifications.append(clean({
            "name": row["Name"], "issuer": row["Authority"], "date": date,
            "url": url if url.lower().startswith(("http://", "https://")) else ""}))


def _skills(rows: list[dict[str, str]], draft: Draft) -> None:
    names = list(dict.fromkeys(r.get("Name", "") for r in rows if r.get("Name")))
    draft.skills = [{"name": n, "level": DEFAULT_LEVEL} for n in names]
    if names:
        draft.note(f"Skills.csv: LinkedIn has no skill levels; all {len(names)} skills are "
                   f"level {DEFAULT_LEVEL} and under 'Other' until you set `level:` and "
                   "`category:`")


def _projects(rows: list[dict[str, str]], draft: Draft) -> None:
    for i, row in enumerate(rows, start=2):
        title = row.get("Title", "")
        if not title:
            draft.note(f"Projects.csv line {i}: no Title; left out")
            continue
        start = parse_date(row.get("Started On", "") or row.get("Finished On", ""))
        url = row.get("Url", "")
        draft.projects.append(clean({
            "title": title, "summary": " ".join(row.get("Description", "").split()) or title,
            "url": url if url.lower().startswith(("http://", "https://")) else "",
            "year": start if isinstance(start, int) else int(str(start)[:4]) if start else None}))


def from_linkedin(archive: zipfile.ZipFile, source: str) -> Draft:
    """Map the export's CSV files; missing files and columns are named in draft.notes."""
    draft = Draft(source)
    tables = read_tables(archive)
    for name in FILES:
        if name not in tables:
            draft.note(f"{name}: not in the archive; that section is empty")
    _profile(tables.get("Profile.csv", []), tables.get(EMAILS, []), draft)
    _positions(tables.get("Positions.csv", []), draft)
    _education(tables.get("Education.csv", []), tables.get("Certifications.csv", []), draft)
    _skills(tables.get("Skills.csv", []), draft)
    _projects(tables.get("Projects.csv", []), draft)
    return draft
