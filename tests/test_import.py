"""`brandgen import FILE`: JSON Resume and LinkedIn exports become content that builds."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from brandgen.cli import main
from tests.conftest import run_build
from tests.tools import example_build

SECTIONS = ("work", "education", "certificates", "skills")


def _import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_sites_resume_json_round_trips_into_the_same_cv(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    original = example_build(tmp_path_factory)
    resume = tmp_path / "resume.json"
    resume.write_bytes(original.public["resume.json"])
    new = tmp_path / "new"
    code, out, _ = _import(capsys, str(resume), "-C", str(new))
    assert code == 0, out
    assert "content/experience.yaml" in out and "no categories" in out
    rebuilt = run_build(new)
    before, after = (json.loads(r.public["resume.json"]) for r in (original, rebuilt))
    for section in SECTIONS:
        assert after[section] == before[section], section
    old_cv, new_cv = (r.site.content for r in (original, rebuilt) if r.site)
    assert [(r.role, r.organization, r.start, r.end) for r in new_cv.roles] == \
        [(r.role, r.organization, r.start, r.end) for r in old_cv.roles]
    assert new_cv.degrees == old_cv.degrees
    assert new_cv.certifications == old_cv.certifications
    assert [(s.name, s.level) for s in new_cv.skills] == [(s.name, s.level) for s in old_cv.skills]
    page = rebuilt.public["cv/index.html"].decode()
    for role in old_cv.roles:
        assert role.role in page
    assert rebuilt.config.base_url == original.config.base_url


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


LINKEDIN = {
    "Profile.csv": [["First Name", "Last Name", "Maiden Name", "Address", "Birth Date",
                     "Headline", "Summary", "Industry", "Zip Code", "Geo Location",
                     "Twitter Handles", "Websites", "Instant Messengers"],
                    ["Sam", "Rivera", "", "", "", "Data engineer", "I help, \"quoted\", teams.",
                     "Software", "", "Lisbon, Portugal", "[samr]",
                     "[PORTFOLIO:https://sam.example.org]", ""]],
    "Positions.csv": [["Company Name", "Title", "Description", "Location", "Started On",
                       "Finished On"],
                      ["Oldco", "Analyst", "Reports.", "Porto", "Mar 2015", "Dec 2018"],
                      ["Newco", "Data Engineer", "Pipelines, line one\nline two", "Lisbon",
                       "Jan 2019", ""]],
    "Education.csv": [["School Name", "Start Date", "End Date", "Notes", "Degree Name",
                       "Activities"],
                      ["University of Lisbon", "2010", "2014", "", "BSc Computer Science",
                       "Chess club"]],
    "Skills.csv": [["Name"], ["SQL"], ["Python"], ["SQL"]],
    "Certifications.csv": [["Name", "Url", "Authority", "Started On", "Finished On",
                            "License Number"],
                           ["Data Engineer Associate", "https://cert.example.org/1",
                            "Cloudy", "Feb 2022", "", "ABC-1"],
                           ["Undated thing", "", "Somebody", "", "", ""]],
    "Projects.csv": [["Title", "Description", "Url", "Started On", "Finished On"],
                     ["Lake house", "A small data lake.", "https://lake.example.org",
                      "Mar 2021", "May 2021"]],
    "Email Addresses.csv": [["Email Address", "Confirmed", "Primary"],
                            ["old@example.org", "Yes", "No"], ["sam@example.org", "Yes", "Yes"]],
    "messages.csv": [["CONVERSATION ID", "CONTENT"], ["1", "PRIVATE-MESSAGE-TEXT"]],
}


def _linkedin_zip(path: Path, files: dict[str, list[list[str]]] = LINKEDIN) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in files.items():
            archive.writestr(f"Basic_LinkedInDataExport/{name}", _csv(rows))
    return path


def test_a_linkedin_export_imports_and_builds(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    archive = _linkedin_zip(tmp_path / "export.zip")
    root = tmp_path / "site"
    code, out, _ = _import(capsys, str(archive), "-C", str(root))
    assert code == 0, out
    for note in ("no skill levels", "License Number", "Undated thing",
                 "Activities", "Twitter Handles", "base_url is https://example.com/"):
        assert note in out, note
    result = run_build(root)
    content = result.site.content if result.site else None
    assert content is not None
    assert content.profile.name == "Sam Rivera"
    assert content.profile.email == "sam@example.org"
    assert [link.url for link in content.profile.links] == ["https://sam.example.org"]
    assert [(r.role, r.start.iso, r.end.iso if r.end else None) for r in content.roles] == [
        ("Data Engineer", "2019-01", None), ("Analyst", "2015-03", "2018-12")]
    assert content.roles[0].summary == "Pipelines, line one\nline two"
    assert [(d.degree, d.institution, d.end.iso if d.end else "") for d in content.degrees] \
        == [("BSc Computer Science", "University of Lisbon", "2014")]
    assert [(c.name, c.issuer, c.date.iso, c.url) for c in content.certifications] == [
        ("Data Engineer Associate", "Cloudy", "2022-02", "https://cert.example.org/1")]
    assert [(s.name, s.level) for s in content.skills] == [("SQL", 3), ("Python", 3)]
    assert [(p.title, p.year, p.url) for p in content.projects] == [
        ("Lake house", 2021, "https://lake.example.org")]
    written = "".join(p.read_text("utf-8") for p in (root / "content").glob("*.yaml"))
    assert "PRIVATE-MESSAGE-TEXT" not in written


def test_existing_files_are_kept_unless_force(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    archive = _linkedin_zip(tmp_path / "export.zip")
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content/profile.yaml").write_text("# mine\nname: Me\n", encoding="utf-8")
    (root / "content/skills.yaml").write_text("# mine too\n", encoding="utf-8")
    code, _, err = _import(capsys, str(archive), "-C", str(root))
    assert code == 1
    assert "content/profile.yaml: error: already exists" in err
    assert "content/skills.yaml: error: already exists" in err and "--force" in err
    assert (root / "content/profile.yaml").read_text("utf-8") == "# mine\nname: Me\n"
    assert not (root / "content/experience.yaml").exists()  # nothing at all was written
    code, _, _ = _import(capsys, str(archive), "-C", str(root), "--force")
    assert code == 0
    assert "Sam" in (root / "content/profile.yaml").read_text("utf-8")


def test_a_missing_name_gets_a_placeholder_that_is_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "r.json"
    source.write_text(json.dumps({"basics": {"label": "Engineer"},
                                  "skills": [{"name": "Go", "level": "Wizard"}],
                                  "awards": [{"title": "Best"}]}), encoding="utf-8")
    code, out, _ = _import(capsys, str(source), "-C", str(tmp_path / "s"))
    assert code == 0
    assert "no name" in out and "placeholder" in out
    assert "'Wizard' is not one brandgen knows" in out and "awards: 1 entries" in out
    run_build(tmp_path / "s")


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("bad.json", b'{"basics": {', "bad.json:1:13: error: invalid JSON"),
    ("bad.zip", b"not a zip", "bad.zip: error: not a zip archive"),
    ("list.json", b'[{"name": "x"}]', "list.json:1:1: error: not a JSON Resume document"),
    ("cv.docx", b"", "cv.docx: error: cannot tell what this file is"),
    ("missing.json", None, "missing.json: error: cannot read the file"),
    ("slug.json", json.dumps({"basics": {"name": "A", "label": "B", "summary": "C."},
                              "projects": [{"name": "???", "description": "x"}]}).encode(),
     "the imported data does not validate"),
])
def test_import_errors_name_the_file_and_write_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes | None,
        expected: str) -> None:
    source = tmp_path / name
    if data is not None:
        source.write_bytes(data)
    code, _, err = _import(capsys, str(source), "-C", str(tmp_path / "site"))
    assert code == 1
    assert expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()
