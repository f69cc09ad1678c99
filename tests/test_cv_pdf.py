"""/cv.pdf: one page, the CV's content as selectable text, live links, metadata, stable bytes."""

from __future__ import annotations

import io
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from brandgen.cache import FOLDER
from brandgen.public import cvpdf
from tests.conftest import SiteMaker, errors_of, render, run_build
from tests.tools import pdf_page_count

CV_FILES = {
    "content/experience.yaml": """\
        - organization: Oldco
          role: Junior Engineer
          start: 2015-01
          end: 2018-06
          summary: Kept the *lights* on.
          highlights: [Wrote the runbook]
        - organization: Newco
          role: Staff Engineer
          start: 2018-07
          location: Berlin
          highlights: [Built the platform, Mentored five engineers]
        """,
    "content/education.yaml": """\
        degrees:
          - institution: Northbridge University
            degree: MSc
            field: Distributed Systems
            end: 2014
        certifications:
          - name: Kubernetes Administrator
            issuer: CNCF
            date: 2021-04
            url: https://training.example.org/cka
        """,
    "content/profile.yaml": """\
        name: Ada Example
        headline: Platform engineer
        value_proposition: I help teams ship calmly.
        email: ada@example.com
        links:
          - label: GitHub
            url: https://github.com/ada-example
        """,
}


def _pdf(root: Path) -> bytes:
    return (root / "site/public/cv.pdf").read_bytes()


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _uris(pdf: bytes) -> list[str]:
    return [str(a.get_object()["/A"]["/URI"]) for p in PdfReader(io.BytesIO(pdf)).pages
            for a in p.get("/Annots", [])]


def test_cv_pdf_is_one_page_with_the_cv_content_links_and_metadata(
        make_site: SiteMaker) -> None:
    root = make_site(CV_FILES)
    result = run_build(root)
    assert not result.warnings, [w.format() for w in result.warnings]
    pdf = _pdf(root)
    assert pdf_page_count(pdf) == 1
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "Ada Example — CV"
    assert reader.metadata.author == "Ada Example"
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]  # A4
    text = _text(pdf)
    for expected in ("Ada Example", "Platform engineer", "I help teams ship calmly.",
                     "Staff Engineer", "Newco", "Jul 2018 – Present", "Built the platform",
                     "Kept the lights on.", "MSc, Distributed Systems",
                     "Northbridge University", "Kubernetes Administrator", "CNCF",
                     "Languages", "Python, Go"):
        assert expected in text, expected
    assert text.index("Staff Engineer") < text.index("Junior Engineer")  # newest first
    assert "*lights*" not in text
    assert set(_uris(pdf)) == {"mailto:ada@example.com", "https://ada.github.io/brand/",
                               "https://github.com/ada-example",
                               "https://training.example.org/cka"}


def test_the_cv_page_and_the_home_page_link_the_pdf(make_site: SiteMaker) -> None:
    root = make_site()
    run_build(root)
    for page in ("index.html", "cv/index.html"):
        html = (root / "site/public" / page).read_text("utf-8")
        assert 'href="/brand/cv.pdf"' in html, page


def test_letter_paper_for_en_us(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "language: en-US\n"})
    run_build(root)
    page = PdfReader(io.BytesIO(_pdf(root))).pages[0]
    assert [round(float(x)) for x in page.mediabox[2:]] == [612, 792]


def test_user_text_is_never_typst_markup(make_site: SiteMaker) -> None:
    nasty = r'#set page(width: 1cm) *bold* $x$ \ <lbl> @ref [a] ] // no comment `raw` "q"'
    root = make_site({"content/profile.yaml": f"""\
        name: 'Ada #Example'
        headline: '{nasty}'
        value_proposition: I help.
        """})
    run_build(root)
    pdf = _pdf(root)
    assert pdf_page_count(pdf) == 1
    text = _text(pdf)
    assert "Ada #Example" in text
    assert " ".join(nasty.split()) in text


def test_the_pdf_is_byte_identical_across_builds(make_site: SiteMaker) -> None:
    root = make_site(CV_FILES)
    run_build(root)
    first = _pdf(root)
    cvpdf._compile.cache_clear()  # a fresh compile, as in a new process
    run_build(root, now=__import__("datetime").datetime(2027, 5, 1,
                                                         tzinfo=__import__("datetime").UTC))
    assert _pdf(root) == first
    assert not re.search(rb"/CreationDate|/ModDate", first)


def _roles(n: int, highlights: int) -> str:
    return "".join(
        f"- organization: Company {i}\n  role: Engineer {i}\n  start: {1980 + i}-01\n"
        f"  end: {1980 + i}-12\n  summary: Did a great many things at company {i} for years.\n"
        f"  highlights:\n" + "".join(f"    - Achievement {j} of role {i}, with a number\n"
                                     for j in range(highlights))
        for i in range(n))


def test_a_longer_cv_is_tightened_onto_one_page(make_site: SiteMaker) -> None:
    root = make_site({"content/experience.yaml": _roles(8, 4)})
    result = run_build(root)
    assert not result.warnings, [w.format() for w in result.warnings]
    pdf = _pdf(root)
    assert pdf_page_count(pdf) == 1
    assert "Engineer 0" in _text(pdf)  # the oldest role is still there


def test_a_cv_too_long_for_one_page_is_a_warning_and_nothing_is_cut(
        make_site: SiteMaker) -> None:
    root = make_site({"content/experience.yaml": _roles(30, 5)})
    result = run_build(root)
    warnings = [w.format() for w in result.warnings]
    assert any("does not fit on one page" in w and "pages" in w for w in warnings), warnings
    pdf = _pdf(root)
    assert pdf_page_count(pdf) > 1
    text = _text(pdf)
    assert "Engineer 29" in text and "Achievement 4 of role 0" in text


def test_missing_typst_is_an_error_naming_the_fix(make_site: SiteMaker,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "typst", None)  # `import typst` raises ImportError
    errors = errors_of(make_site())
    assert any("cv.pdf needs the Python package typst" in e and "pip install" in e
               for e in errors), errors


def test_a_broken_cv_template_override_is_an_error_naming_it(make_site: SiteMaker) -> None:
    root = make_site({"themes/default/templates/cv.typ": "#let x = (\n"})
    errors = errors_of(root)
    assert any(e.startswith("themes/default/templates/cv.typ") and "cv.pdf" in e
               for e in errors), errors


def test_a_cv_template_override_is_used(make_site: SiteMaker) -> None:
    root = make_site({"themes/default/templates/cv.typ":
                      '#let data = json(bytes(sys.inputs.at("data")))\n'
                      "#set document(date: none)\nCustom CV of #data.name\n"
                      "#metadata((fits: true, pages: 1)) <cv-fit>\n"})
    result = render(root)
    assert "Custom CV of Ada Example" in _text(result.public["cv.pdf"])


def test_characters_the_pdf_fonts_lack_are_a_warning(make_site: SiteMaker) -> None:
    root = make_site({"content/profile.yaml": """\
        name: Łukasz Ærø Ελένη Пётр
        headline: 山田 platform engineer 🎉
        value_proposition: I help.
        """})
    result = run_build(root)
    warnings = [w.format() for w in result.warnings]
    assert len(warnings) == 1 and "no font for '山田🎉'" in warnings[0], warnings
    assert "Łukasz Ærø Ελένη Пётр" in _text(_pdf(root))  # covered scripts are real text


def test_the_compiled_cv_is_kept_in_the_cache_with_its_layout(
        make_site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build whose CV data and template are as before takes the PDF from the cache (no
    Typst run) and still says it does not fit; new data compiles again."""
    runs: list[int] = []
    real = cvpdf._compile.__wrapped__  # the process memo would hide a second build's run
    monkeypatch.setattr(cvpdf, "_compile", lambda template, data: runs.append(1) or
                        real(template, data))
    root = make_site({"content/experience.yaml": _roles(30, 5)})
    first = run_build(root)
    pdf = _pdf(root)
    again = run_build(root)
    assert (len(runs), _pdf(root)) == (1, pdf)
    assert [w.format() for w in again.warnings] == [w.format() for w in first.warnings]
    assert any("does not fit on one page" in w.format() for w in again.warnings)
    profile = root / "content/profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "name: Ada Example", "name: Ada B. Example"), encoding="utf-8")
    run_build(root)
    assert len(runs) == 2 and "Ada B. Example" in _text(_pdf(root))
    with sqlite3.connect(root / FOLDER / "cache.sqlite") as db:
        db.execute("UPDATE files SET value = CAST(value AS BLOB) || x'00'")
    db.close()
    run_build(root)  # damaged: compiled again, same bytes
    assert len(runs) == 3 and "Ada B. Example" in _text(_pdf(root))
    cached = _pdf(root)
    run_build(root)
    assert len(runs) == 3 and _pdf(root) == cached
    run_build(root, cache=False)
    assert len(runs) == 4 and _pdf(root) == cached


@pytest.mark.parametrize("cache", [True, False])
def test_a_cv_template_that_is_not_utf8_is_an_error_at_the_file(
        make_site: SiteMaker, cache: bool) -> None:
    root = make_site()
    override = root / "themes/default/templates/cv.typ"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_bytes(b"\xff\xfe #let x = 1\n")
    errors = errors_of(root, cache=cache)
    assert errors == ["themes/default/templates/cv.typ:1:1: error: cannot read cv.typ for "
                      "/cv.pdf: not valid UTF-8 (byte 0xff); save the template as UTF-8\n"
                      "  hint: make it a regular UTF-8 text file"], errors
