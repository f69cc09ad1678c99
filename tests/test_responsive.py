"""Responsive images: width/height, lazy loading below the first image, srcset with WebP and
original-format copies that exist in the output, drawn once and cached."""

from __future__ import annotations

import io
import re

from PIL import Image

from brandgen.responsive import plan_set
from tests.conftest import SiteMaker, render, run_build


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 80, 140)).save(out, "JPEG")
    return out.getvalue()


def _png_with_alpha(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 40, 60, 0)).save(out, "PNG")
    return out.getvalue()


POST = """\
    ---
    title: Pictures
    date: 2026-11-02
    ---
    Intro.

    ![A harbour at dusk](../static/photos/harbour.jpg)

    Text between.

    ![A diagram](/diagram.png "The road")

    ![An icon](/icon.png) and ![remote](https://cdn.example.org/x.jpg)
    """

FILES: dict[str, str | bytes | None] = {
    "content/posts/2026-11-02-pictures.md": POST,
    "content/static/photos/harbour.jpg": _jpeg(2400, 1350),
    "content/static/diagram.png": _png_with_alpha(900, 500),
    "content/static/icon.png": _png_with_alpha(64, 64),
}


def _tags(html: str, name: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
            for tag in re.findall(rf"<{name}\s[^>]*>", html)]


def _srcset(value: str) -> list[tuple[str, int]]:
    return [(url, int(w.rstrip("w"))) for url, w in (p.split() for p in value.split(", "))]


def test_plan_takes_standard_widths_below_the_original() -> None:
    small = plan_set("a.png", 300, 200, "PNG")
    assert small.fallback == () and small.webp == ()
    mid = plan_set("a.png", 900, 500, "PNG")
    assert [v.width for v in mid.fallback] == [400, 800, 900]
    assert mid.fallback[-1].path == "a.png"  # the original is the widest candidate
    assert [v.width for v in mid.webp] == [400, 800, 900]
    big = plan_set("b.jpg", 4000, 3000, "JPEG")
    assert [v.width for v in big.fallback] == [400, 800, 1200, 1600]
    assert [v.width for v in big.webp] == [400, 800, 1200, 1600]
    webp = plan_set("c.webp", 1000, 500, "WEBP")
    assert webp.webp == () and [v.width for v in webp.fallback] == [400, 800, 1000]
    assert len({v.path for v in (*big.fallback, *big.webp, *mid.fallback, *mid.webp)}) == 14


def test_markdown_images_get_size_srcset_and_lazy_loading(make_site: SiteMaker) -> None:
    result = run_build(make_site(FILES))
    assert not result.warnings, [w.format() for w in result.warnings]  # links all resolve
    html = result.public["blog/pictures/index.html"].decode()
    imgs = {i["alt"]: i for i in _tags(html, "img") if "alt" in i}
    harbour, diagram, icon = imgs["A harbour at dusk"], imgs["A diagram"], imgs["An icon"]
    assert (harbour["width"], harbour["height"]) == ("2400", "1350")
    assert "loading" not in harbour  # the first image is above the fold
    assert diagram["loading"] == "lazy" and diagram["title"] == "The road"
    assert (icon["width"], icon["height"], icon["loading"]) == ("64", "64", "lazy")
    assert "srcset" not in icon  # nothing smaller to offer
    assert imgs["remote"]["src"] == "https://cdn.example.org/x.jpg" and "width" not in \
        imgs["remote"]
    sources = _tags(html, "source")
    assert [s["type"] for s in sources] == ["image/webp", "image/webp"]
    for tag, fmt in ((harbour, "JPEG"), (sources[0], "WEBP"), (diagram, "PNG"),
                     (sources[1], "WEBP")):
        for url, width in _srcset(tag["srcset"]):
            name = url.removeprefix("/brand/")
            with Image.open(io.BytesIO(result.public[name])) as image:
                assert (image.format, image.width) == (fmt, width), name
    assert harbour["sizes"] and "<picture>" in html


def test_webp_copy_keeps_transparency(make_site: SiteMaker) -> None:
    result = render(make_site(FILES))
    with Image.open(io.BytesIO(result.public["assets/img/diagram.png.400w.webp"])) as image:
        assert image.mode == "RGBA" and image.size == (400, 222)


def test_project_images_are_responsive_on_cards_and_pages(make_site: SiteMaker) -> None:
    root = make_site({**FILES, "content/projects.yaml": """\
        - title: Harbour
          summary: A developer portal.
          image: photos/harbour.jpg
          featured: true
        """})
    result = render(root)
    for page, lazy in (("projects/index.html", False), ("index.html", True),
                       ("projects/harbour/index.html", False)):
        html = result.public[page].decode()
        [img] = [i for i in _tags(html, "img") if i["src"].endswith("harbour.jpg")]
        assert (img["width"], img["height"]) == ("2400", "1350"), page
        assert ("loading" in img) == lazy, page
        assert "assets/img/photos/harbour.jpg.800w.jpg 800w" in img["srcset"]


def test_copies_are_cached_and_identical(make_site: SiteMaker) -> None:
    root = make_site(FILES)
    first = render(root).public
    entries = sorted((root / ".brandgen-cache" / "images").rglob("*.bin"))
    assert len(entries) == 13  # 4+4 for the photo, 2+3 for the diagram
    for entry in entries:
        entry.write_bytes(b"garbage")
    assert render(root).public == first


def test_unreadable_image_is_a_warning_not_a_crash(make_site: SiteMaker) -> None:
    root = make_site({"content/static/broken.jpg": b"\xff\xd8not really a jpeg",
                      "content/posts/2026-11-02-a.md": "---\ntitle: A\n---\n![x](/broken.jpg)\n"})
    result = render(root)
    [warning] = [w.format() for w in result.warnings]
    assert warning.startswith("content/static/broken.jpg: warning: cannot read this image")
    assert '<img src="/brand/broken.jpg" alt="x"' in result.public["blog/a/index.html"].decode()


def test_truncated_image_is_a_warning_not_a_crash(make_site: SiteMaker) -> None:
    whole = _jpeg(1200, 800)
    root = make_site({"content/static/cut.jpg": whole[: len(whole) // 3],
                      "content/posts/2026-11-02-a.md": "---\ntitle: A\n---\n![x](/cut.jpg)\n"})
    result = render(root)
    assert [w.message for w in result.warnings] == [
        "cannot decode this image (OSError), so it gets no resized copies"]
    assert not [n for n in result.public if n.startswith("assets/img/")]


def test_exif_rotation_is_applied_to_sizes_and_copies(make_site: SiteMaker) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    out = io.BytesIO()
    Image.new("RGB", (1000, 500), (10, 20, 30)).save(out, "JPEG", exif=exif)
    root = make_site({"content/static/turned.jpg": out.getvalue(),
                      "content/posts/2026-11-02-a.md": "---\ntitle: A\n---\n![x](/turned.jpg)\n"})
    result = render(root)
    html = result.public["blog/a/index.html"].decode()
    assert 'width="500" height="1000"' in html
    with Image.open(io.BytesIO(result.public["assets/img/turned.jpg.400w.webp"])) as copy:
        assert copy.size == (400, 800)
