"""Social images: one readable 1200x630 PNG per page, cached by content, linked from og:image."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from brandgen.blobcache import BlobCache
from brandgen.build import BuildResult
from brandgen.colors import parse_hex
from brandgen.public.carddraw import Card, Fonts, render_card
from brandgen.public.cardtext import ELLIPSIS, cover, fit, truncate_lines, wrap
from tests.conftest import NOW, SiteMaker, render, run_build

POST = """\
    ---
    title: {title}
    date: 2026-11-02
    ---
    Body text.
    """


def fake(text: str, size: int) -> float:
    """Every character half an em wide: easy to reason about in layout tests."""
    return len(text) * size / 2


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


# --- setting text ----------------------------------------------------------------------

def test_wrap_breaks_between_words_only() -> None:
    lines = wrap("paved roads not golden cages", 10, 60, fake)
    assert lines == ["paved roads", "not golden", "cages"]
    assert all(fake(line, 10) <= 60 for line in lines)


def test_no_line_starts_with_a_dash() -> None:
    lines = wrap("cafés — and other third places", 10, 55, fake)
    assert lines and not any(line.startswith(("—", "–", "·")) for line in lines)


def test_long_compound_wraps_after_its_hyphens_not_inside_a_word() -> None:
    lines = wrap("platform-engineering-as-a-product", 10, 70, fake)
    assert lines and "".join(lines) == "platform-engineering-as-a-product"
    assert all(line.endswith("-") or line == lines[-1] for line in lines)


def test_fit_shrinks_then_cuts_at_a_word_with_an_ellipsis() -> None:
    short = fit("Now", (80, 40), 1000, 300, 1.2, fake)
    assert short.size == 80 and short.lines == ("Now",)
    text = " ".join(["budget"] * 80)
    long = fit(text, (80, 60, 40), 1000, 300, 1.2, fake)
    assert long.size == 40 and len(long.lines) == 300 // 48
    assert long.lines[-1].endswith(ELLIPSIS)
    assert all(w.rstrip(ELLIPSIS) == "budget" for line in long.lines for w in line.split())


def test_a_text_in_parts_breaks_between_them() -> None:
    fitted = fit("Staff engineer · data platforms", (10,), 100, 100, 1.2, fake)
    assert fitted.lines == ("Staff engineer", "data platforms")
    assert fit("Staff · data", (10,), 100, 100, 1.2, fake).lines == ("Staff · data",)


def test_ellipsis_never_follows_punctuation() -> None:
    lines = truncate_lines("Budgets, toil and on-call — a guide for teams", 10, 60, 1, fake)
    assert lines == ["Budgets…"]


def test_cover_drops_emoji_and_flags_missing_letters(fonts: Fonts) -> None:
    emoji = cover("Shipping 🚀 faster 👩‍💻 today!", fonts.codepoints)
    assert emoji.text == "Shipping faster today!" and emoji.complete
    accents = cover("Zoë’s café — déjà vu", fonts.codepoints)
    assert accents.text == "Zoë’s café — déjà vu" and accents.complete
    assert cover("Cafe\u0301", fonts.codepoints).text == "Café"  # combining accent composed
    assert not cover("東京の教訓", fonts.codepoints).complete
    assert not cover("שלום עולם", fonts.codepoints).complete
    assert cover("Привет, Καλημέρα", fonts.codepoints).complete


# --- drawing -------------------------------------------------------------------------

def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_card_is_a_1200x630_png_in_the_brand_colour(fonts: Fonts) -> None:
    png = render_card(Card("Paved roads", "Ada Example", "Platform engineer",
                           accent="#9b2c3a"), fonts)
    image = _image(png)
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert image.convert("RGB").getpixel((5, 5)) == (0x9B, 0x2C, 0x3A)
    assert render_card(Card("Paved roads", "Ada Example", "Platform engineer",
                            accent="#9b2c3a"), fonts) == png  # a pure function


def test_emoji_draws_nothing_rather_than_a_box(fonts: Fonts) -> None:
    plain = render_card(Card("Ship it today", "Ada", "Engineer"), fonts)
    assert render_card(Card("Ship it 🚀 today", "Ada", "Engineer"), fonts) == plain


def test_title_the_font_cannot_spell_gives_way_to_the_headline(fonts: Fonts) -> None:
    cjk = render_card(Card("東京の教訓", "Ada", "Platform engineer"), fonts)
    headline_card = render_card(Card("Platform engineer", "Ada", ""), fonts)
    assert cjk == headline_card


def test_avatar_photo_is_drawn_round(fonts: Fonts) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (300, 300), (250, 200, 0)).save(photo, "JPEG")
    image = _image(render_card(Card("Hello", "Ada", "Engineer", avatar=photo.getvalue()),
                               fonts)).convert("RGB")
    centre = image.getpixel((80 + 52, 630 - 62 - 52))
    assert isinstance(centre, tuple) and centre[0] > 200 and centre[2] < 80
    corner = image.getpixel((80 + 2, 630 - 62 - 104 + 2))  # outside the circle: background
    assert corner == image.getpixel((5, 5))


# --- the build -------------------------------------------------------------------------

def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    assert match, prop
    return match.group(1)


def test_every_page_without_an_image_gets_a_card(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/2026-11-02-hello.md": POST.replace(
        "    date:", "    tags: [craft]\n    date:").format(title="Hello, Wörld — a first post 🎉"),
        "brandgen.yaml": 'base_url: https://ada.github.io/brand/\naccent: "#1f6b4a"\n'})
    result = render(root)
    post = result.public["blog/hello/index.html"].decode()
    assert _meta(post, "og:image") == "https://ada.github.io/brand/blog/hello/social.png"
    assert (_meta(post, "og:image:width"), _meta(post, "og:image:height")) == ("1200", "630")
    assert _meta(post, "og:image:alt").startswith("Hello, Wörld — a first post")
    assert _meta(post, "twitter:card") == "summary_large_image"
    image = _image(result.public["blog/hello/social.png"])
    assert image.size == (1200, 630)
    assert image.convert("RGB").getpixel((5, 5)) == (0x1F, 0x6B, 0x4A)
    for page in ("index.html", "cv/index.html", "blog/index.html", "tags/index.html"):
        html = result.public[page].decode()
        assert _meta(html, "og:image").endswith(page.replace("index.html", "social.png"))
    assert "social.png" not in result.public["404.html"].decode()


def test_a_page_with_its_own_image_keeps_it(make_site: SiteMaker) -> None:
    post = POST.replace("    date:", "    image: cover.png\n    date:").format(title="Own image")
    png = io.BytesIO()
    Image.new("RGB", (1200, 630), (0, 0, 0)).save(png, "PNG")
    root = make_site({"content/posts/2026-11-02-own.md": post,
                      "content/static/cover.png": png.getvalue()})
    result = render(root)
    html = result.public["blog/own/index.html"].decode()
    assert _meta(html, "og:image") == "https://ada.github.io/brand/cover.png"
    assert "blog/own/social.png" not in result.public


def test_social_images_false_turns_them_off(make_site: SiteMaker) -> None:
    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "social_images: false\n"})
    result = render(root)
    assert not [n for n in result.public if n.endswith("social.png")]
    assert 'property="og:image"' not in result.public["index.html"].decode()


def test_cards_are_cached_byte_identical_and_corrupt_entries_ignored(
        make_site: SiteMaker) -> None:
    root = make_site({"content/posts/2026-11-02-hello.md": POST.format(title="Hello")})
    first = run_build(root).public
    cache = root / ".brandgen-cache" / "social"
    entries = sorted(cache.rglob("*.bin"))
    assert entries, "cards are cached under .brandgen-cache/social/"
    assert (root / ".brandgen-cache/.gitignore").read_text().endswith("*\n")  # git ignores it
    cached = BlobCache(cache)
    cached_build = run_build(root).public
    assert cached_build == first
    for entry in entries:  # damage every entry: they are redrawn, not trusted
        entry.write_bytes(entry.read_bytes()[:-10] + b"corrupted!")
    assert run_build(root).public == first
    shutil.rmtree(root / ".brandgen-cache")
    assert run_build(root).public == first
    assert cached.get("0" * 64) is None


def test_recorded_digests_are_those_of_the_files_written(make_site: SiteMaker) -> None:
    """Card digests are taken when a card is drawn or read from the cache, not by reading it
    back; the writer and the checks trust them, so they must be the written bytes'."""
    root = make_site({"content/posts/2026-11-02-hello.md": POST.format(title="Hello"),
                      "content/posts/2026-11-03-two.md": POST.format(title="Two")})

    def check(result: BuildResult) -> None:
        written = {p.relative_to(result.public_dir).as_posix(): p.read_bytes()
                   for p in result.public_dir.rglob("*") if p.is_file()}
        cards = [name for name in result.digests if name.endswith("social.png")]
        assert cards
        for name, digest in result.digests.items():
            assert hashlib.sha256(written[name]).hexdigest() == digest, name

    check(run_build(root))  # drawn
    check(run_build(root, now=NOW.replace(hour=NOW.hour + 1)))  # read from the cache
    static = root / "content/static/blog/hello"
    static.mkdir(parents=True)
    (static / "social.png").write_bytes(b"not a card")  # a static file wins over the card
    result = run_build(root)
    assert (result.public_dir / "blog/hello/social.png").read_bytes() == b"not a card"
    check(result)


def test_changed_title_draws_a_new_card(make_site: SiteMaker, tmp_path: Path) -> None:
    root = make_site({"content/posts/2026-11-02-hello.md": POST.format(title="Hello")})
    before = render(root).public["blog/hello/social.png"]
    (root / "content/posts/2026-11-02-hello.md").write_text(
        POST.replace("    ", "").format(title="Goodbye"), encoding="utf-8")
    assert render(root).public["blog/hello/social.png"] != before


def test_unwritable_cache_still_builds(make_site: SiteMaker) -> None:
    root = make_site()
    (root / ".brandgen-cache").write_text("not a folder")
    assert render(root).public["social.png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_cards_decode_as_1200x630_palette_images_of_their_colours(fonts: Fonts) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 160, 90)).save(photo, "PNG")
    cards = [Card("Paved roads, golden paths and the long tail of migrations, " * 3,
                  "Ada Example", "Platform engineer", "2 March 2026 · 6 min read",
                  "ada.github.io/brand", accent="#9b2c3a", avatar=photo.getvalue()),
             Card("Now", "Ada Example", "Platform engineer", initials="AE"),
             Card("Platform engineer", "Ada Example", "")]
    for card in cards:
        png = render_card(card, fonts)
        assert len(png) < 60_000  # crawlers fetch them: kept small
        image = _image(png)
        assert (image.format, image.mode, image.size) == ("PNG", "P", (1200, 630))
        rgb = image.convert("RGB")
        assert rgb.getpixel((5, 5)) == (parse_hex(card.accent) or (0, 0, 0))
        band = rgb.getpixel((600, 625))
        assert band != rgb.getpixel((5, 5))  # the darker strip along the bottom
        assert rgb.getpixel((0, 630 - 14)) == band and rgb.getpixel((1199, 629)) == band
    disc = _image(render_card(cards[0], fonts)).convert("RGB").getpixel((80 + 52, 630 - 62 - 52))
    assert disc == (30, 160, 90)  # the photo's colour, not the ramp's


def test_title_words_stay_inside_the_margins(fonts: Fonts) -> None:
    title = "Wwwwww Mmmmmm Wwwwww Mmmmmm Wwwwww Mmmmmm Wwwwww Mmmmmm Wwwwww Mmmmmm"
    image = _image(render_card(Card(title, "Ada", "Engineer"), fonts))
    title_rows = image.crop((0, 140, 1200, 420)).convert("L")
    background = title_rows.getpixel((1, 1))
    ink = title_rows.point(lambda v: 0 if v == background else 255).getbbox()
    assert ink is not None and ink[0] >= 80 - 4 and ink[2] <= 1200 - 80 + 4


def test_card_read_back_is_the_drawn_one_even_if_the_cache_goes(make_site: SiteMaker) -> None:
    root = make_site({"content/posts/2026-11-02-hello.md": POST.format(title="Hello")})
    uncached = render(root, cache=False).public["blog/hello/social.png"]
    result = render(root)
    assert sorted((root / ".brandgen-cache" / "social").rglob("*.bin"))
    shutil.rmtree(root / ".brandgen-cache")  # between drawing and writing: drawn again
    assert result.public["blog/hello/social.png"] == uncached


def test_cards_are_the_same_bytes_with_any_jobs_and_from_the_cache(
        make_site: SiteMaker) -> None:
    from brandgen.public.social import PARALLEL_CARDS

    posts = {f"content/posts/2026-11-{1 + i % 28:02d}-p{i}.md":
             POST.format(title=f"Post {i} — " + "golden paths " * (i % 7)) for i in range(40)}
    assert len(posts) > PARALLEL_CARDS  # -j2 draws them in forked workers
    root = make_site(posts)

    def cards(**kwargs: object) -> dict[str, bytes]:
        public = render(root, **kwargs).public
        return {name: public[name] for name in public if name.endswith("social.png")}

    alone = cards(jobs=1, cache=False)
    assert len(alone) > 40
    assert cards(jobs=2) == alone  # drawn in two processes, then cached
    assert cards(jobs=2) == alone  # every card from the cache
    for png in alone.values():
        assert _image(png).size == (1200, 630)


def test_blob_digest_is_read_from_the_entry_header(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path / "blobs")
    assert cache.digest("ab" * 32) is None  # no entry
    cache.put("ab" * 32, b"card bytes")
    assert cache.digest("ab" * 32) == hashlib.sha256(b"card bytes").hexdigest()
    entry = next((tmp_path / "blobs").rglob("*.bin"))
    entry.write_bytes(entry.read_bytes()[:32])  # a header without a payload
    assert cache.digest("ab" * 32) is None
    assert BlobCache(None).digest("ab" * 32) is None


@pytest.mark.parametrize("damage", ["payload", "header", "truncated"])
def test_a_damaged_card_entry_never_reaches_the_written_site(
        make_site: SiteMaker, damage: str) -> None:
    """A cache hit trusts the entry's header for the digest; the bytes written are checked
    when read, so a damaged entry is drawn again (and stored again), never written."""
    root = make_site({"content/posts/2026-11-02-hello.md": POST.format(title="Hello")})
    uncached = run_build(root, cache=False)
    expected = {p.relative_to(uncached.public_dir).as_posix(): p.read_bytes()
                for p in uncached.public_dir.rglob("*") if p.is_file()}
    run_build(root)  # fills the cache
    entries = sorted((root / ".brandgen-cache" / "social").rglob("*.bin"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes({"payload": data[:-10] + b"corrupted!",
                           "header": bytes(32) + data[32:],
                           "truncated": data[:20]}[damage])
    for _ in range(2):  # the second build starts from what the first wrote and repaired
        shutil.rmtree(root / "site")  # every card must be read, not linked
        result = run_build(root)
        written = {p.relative_to(result.public_dir).as_posix(): p.read_bytes()
                   for p in result.public_dir.rglob("*") if p.is_file()}
        assert written == expected
    cache = BlobCache(root / ".brandgen-cache" / "social")
    for entry in entries:  # repaired: each entry holds its card again
        assert cache.get(entry.stem) is not None


@pytest.mark.parametrize("damage", ["missing", "garbage", "not a map", "bad digests",
                                    "wrong digests", "entries gone"])
def test_a_missing_or_damaged_digest_index_is_rebuilt_never_trusted_for_bytes(
        make_site: SiteMaker, damage: str) -> None:
    """The card digests of a warm build come from .brandgen-cache/social/digests.json;
    whatever happened to it, the written site is the uncached one and the index is
    written again."""
    import json

    from brandgen.blobcache import INDEX

    root = make_site({"content/posts/2026-11-02-hello.md": POST.format(title="Hello")})
    uncached = run_build(root, cache=False)
    expected = {p.relative_to(uncached.public_dir).as_posix(): p.read_bytes()
                for p in uncached.public_dir.rglob("*") if p.is_file()}
    run_build(root)
    folder = root / ".brandgen-cache" / "social"
    index = folder / INDEX
    good = json.loads(index.read_text())
    assert good and all(len(v) == 64 for v in good.values())
    if damage == "missing":
        index.unlink()
    elif damage == "garbage":
        index.write_bytes(b"\x00{not json")
    elif damage == "not a map":
        index.write_text("[1, 2]")
    elif damage == "bad digests":
        index.write_text(json.dumps({k: "zz" for k in good}))
    elif damage == "wrong digests":
        index.write_text(json.dumps({k: "0" * 64 for k in good}))
    else:
        for entry in folder.rglob("*.bin"):
            entry.unlink()
    for _ in range(2):
        shutil.rmtree(root / "site")  # every card is read back, none linked
        result = run_build(root)
        written = {p.relative_to(result.public_dir).as_posix(): p.read_bytes()
                   for p in result.public_dir.rglob("*") if p.is_file()}
        assert written == expected
    assert json.loads(index.read_text()) == good  # corrected once the bytes were read
    assert all(BlobCache(folder).get(k) is not None for k in good)


def test_without_cards_or_images_pillow_is_never_loaded(make_site: SiteMaker) -> None:
    """Pillow costs ~35 ms of every build to import: only cards and images need it."""
    import subprocess
    import sys

    from tests.conftest import REPO

    root = make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "social_images: false\n"})
    code = ("import sys, datetime as dt, pathlib; from brandgen.build import BuildOptions, "
            f"render_all; render_all(BuildOptions(root=pathlib.Path({str(root)!r}), "
            "now=dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)));"
            "print('PIL' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert run.stdout.strip() == "False", run.stdout + run.stderr
