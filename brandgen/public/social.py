"""Social images: a 1200x630 PNG link preview for every page that has no image of its own.

`social_images` is the build stage: it decides what each page's card says, and draws it
(brandgen/public/carddraw.py) through a content-hash cache, so an unchanged page is never
drawn twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import sys
import threading
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

import brandgen
from brandgen.blobcache import BlobCache, cache_key
from brandgen.public.views import Output

if TYPE_CHECKING:
    from brandgen.public.assemble import Site
    from brandgen.public.carddraw import Card, Fonts

# The drawing code (and Pillow, ~35 ms to import) is loaded only where cards are made.

RECIPE = 6  # cards are redrawn when this, the drawing code, the fonts or Pillow change
FILE_NAME = "social.png"
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp")
PARALLEL_CARDS = 32  # fewer cards to draw than this are drawn here: a fork costs more
_CHUNK = 16
# What forked card drawers inherit: set just before the pool forks, cleared after.
_FORKED: tuple[Sequence[Card], Fonts] | None = None


# --- drawing, in forked workers for many cards -------------------------------------------

def _draw_chunk(bounds: tuple[int, int]) -> list[bytes]:
    from brandgen.public.carddraw import render_card

    assert _FORKED is not None, "only called in a forked worker"
    cards, fonts = _FORKED
    return [render_card(card, fonts) for card in cards[bounds[0]:bounds[1]]]


def _can_fork(jobs: int, count: int) -> bool:
    """As page rendering: fork shares the cards and loaded fonts without pickling; only on
    Linux with no other thread running (the dev server draws in-process)."""
    return (jobs > 1 and count >= PARALLEL_CARDS and sys.platform == "linux"
            and threading.active_count() == 1)


def draw_cards(cards: Sequence[Card], fonts: Fonts, jobs: int = 1) -> Iterator[bytes]:
    """PNG bytes of every card, in order, as they are drawn (so they need not all be held
    at once); the same bytes with any number of jobs."""
    from brandgen.public.carddraw import render_card

    global _FORKED
    if not _can_fork(jobs, len(cards)):
        yield from (render_card(card, fonts) for card in cards)
        return
    fonts.codepoints  # noqa: B018 -- loaded once here, inherited by every worker
    size = max(4, min(_CHUNK, len(cards) // (jobs * 4) or 1))
    bounds = [(i, min(i + size, len(cards))) for i in range(0, len(cards), size)]
    _FORKED = (cards, fonts)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap(_draw_chunk, bounds, chunksize=1):
                yield from part
    finally:
        _FORKED = None


class CardFiles(MutableMapping[str, bytes]):
    """Card files by name. A card the blob cache holds on disk is read back from it only
    when asked (a warm build hard-links most cards from the last build, never reading
    them), so a build does not keep thousands of ~20 KB cards in memory; any other card
    (no cache, a cache that cannot be written) is held here. A card whose entry has gone
    or is corrupt when it is read is drawn again, the same bytes, and stored again."""

    def __init__(self, cache: BlobCache, fonts: Fonts | None) -> None:
        """`fonts`: None when no card is made (then none is ever drawn here)."""
        self._cache, self._fonts = cache, fonts
        self._held: dict[str, bytes] = {}
        self._stored: dict[str, tuple[str, Card]] = {}  # name -> cache key, card
        self._digests: dict[str, str] = {}  # name -> sha256 hex of the card as added
        # what social_images leaves for a later build (see its `known`)
        self.basis = ""
        self.records: list[CardRecord | None] = []

    def is_stored(self, name: str) -> bool:
        """Whether card `name` is read back from the blob cache (not held here)."""
        return name in self._stored

    def add(self, name: str, key: str, card: Card, png: bytes, stored: bool) -> None:
        self._digests[name] = hashlib.sha256(png).hexdigest()
        if stored:
            self._stored[name] = (key, card)
            self._held.pop(name, None)
        else:
            self[name] = png

    def add_stored(self, name: str, key: str, card: Card, digest: str) -> None:
        """A card already in the blob cache, by the digest its entry records."""
        self._digests[name] = digest
        self._stored[name] = (key, card)
        self._held.pop(name, None)

    def __getitem__(self, name: str) -> bytes:
        if name in self._held:
            return self._held[name]
        key, card = self._stored[name]
        found = self._cache.get(key)
        if found is None:  # gone or corrupt since its digest was read: the same bytes
            from brandgen.public.carddraw import render_card

            assert self._fonts is not None, "a card was stored, so fonts were given"
            found = render_card(card, self._fonts)
            self._cache.put(key, found)
        return found

    def digest(self, name: str) -> str | None:
        """The sha256 hex of card `name`, known without reading it back (None: unknown)."""
        return self._digests.get(name)

    def __setitem__(self, name: str, png: bytes) -> None:
        self._digests.pop(name, None)
        self._held[name] = png
        self._stored.pop(name, None)

    def __delitem__(self, name: str) -> None:
        self._digests.pop(name, None)
        if self._held.pop(name, None) is None:
            del self._stored[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._held.keys() | self._stored.keys()))

    def __len__(self) -> int:
        return len(self._held.keys() | self._stored.keys())


# --- the build stage ---------------------------------------------------------------------

def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split()[:2] if w[:1].isalpha()).upper()


def _date(value: object) -> str:
    return f"{value.day} {value:%B %Y}" if isinstance(value, dt.date) else ""


def card_text(site: Site, out: Output) -> tuple[str, str]:
    """(title, kicker) for a page: its own heading, and what kind of page it is."""
    ctx, p = out.context, site.content.profile
    heading = out.title.split(" — ")[0]
    if out.template == "home.html":
        return p.headline, ""
    if out.template == "post.html":
        post = ctx["post"]
        return post.title, f"{_date(post.date)} · {post.reading_minutes} min read"  # type: ignore[attr-defined]
    if out.template == "project.html":
        year = ctx["project"].project.year  # type: ignore[attr-defined]
        return ctx["project"].title, "Project" + (f" · {year}" if year else "")  # type: ignore[attr-defined]
    if out.template == "cv.html":
        return "Curriculum vitae", "CV"
    if out.template == "blog.html":
        n = ctx["pagination"].number  # type: ignore[attr-defined]
        return f"Writing by {p.name}", "" if n == 1 else f"Page {n}"
    if out.template in ("tags.html", "tag.html"):
        return heading, "Topics"
    return heading, ""


class CardRecord(NamedTuple):
    """A page's card as a build made it, for a build from the kept assembly to reuse for
    the very same Output (brandgen/public/warm.py)."""

    after: Output  # the page's Output after the stage (pointing at the card)
    name: str  # the card's file name
    key: str  # its blob cache key
    card: Card
    digest: str  # sha256 hex of the PNG


def card_basis(site: Site, avatar: bytes, fonts: Fonts) -> str:
    """What every card depends on besides its page: equal bases draw equal cards."""
    config, profile = site.config, site.content.profile
    return cache_key("social-basis", RECIPE, brandgen.__version__, fonts.fingerprint,
                     config.social_images, config.accent or "", site.urls.base_url,
                     repr(profile), avatar)


def social_images(site: Site, cache: BlobCache, fonts: Fonts | None = None, jobs: int = 1,
                  known: tuple[str, dict[int, CardRecord]] | None = None
                  ) -> tuple[Site, CardFiles]:
    """A card for every indexable page without an image; the pages point og:image at it.
    Cards not in the cache are drawn together, in `jobs` forked processes when many.
    `known`: (basis, records by the id of the Output they were made for) of an earlier
    build: under the same `card_basis`, such an Output gets its record's card unlooked-at.
    The returned CardFiles has `basis` and `records` (by output position) to keep."""
    if not site.config.social_images:
        return site, CardFiles(cache, None)
    from brandgen.public.carddraw import DEFAULT_ACCENT, SIZE, Card, Fonts

    fonts = fonts or Fonts()
    files = CardFiles(cache, fonts)
    profile = site.content.profile
    avatar = b""
    if profile.avatar.lower().endswith(_RASTER) and not profile.avatar.startswith("http"):
        try:
            avatar = (site.config.content_dir / "static" / profile.avatar).read_bytes()
        except OSError:
            avatar = b""
    files.basis = card_basis(site, avatar, fonts)
    reuse = known[1] if known is not None and known[0] == files.basis else {}
    host = (site.urls.base_url.split("://", 1)[-1]).rstrip("/")
    outputs: list[Output] = []
    records: list[CardRecord | None] = []
    made: dict[int, tuple[Output, str, str, Card]] = {}  # position -> this build's card
    todo: dict[str, tuple[Card, list[str]]] = {}  # cache key -> card, its file names
    avatar_key = cache_key(avatar)  # hashed once, not once per card
    for out in site.outputs:
        record = reuse.get(id(out))
        if record is not None:
            cache.hits += 1
            cache.note_used(record.key, record.digest)
            files.add_stored(record.name, record.key, record.card, record.digest)
            outputs.append(record.after)
            records.append(record)
            continue
        records.append(None)
        if out.image_url or out.noindex or not (out.route == "" or out.route.endswith("/")):
            outputs.append(out)
            continue
        title, kicker = card_text(site, out)
        home = out.template == "home.html"  # the headline is the title there
        card = Card(title, profile.name, "" if home else profile.headline, kicker, host,
                    site.config.accent or DEFAULT_ACCENT, avatar,
                    _initials(profile.name) if profile.avatar else "")
        fields = {**vars(card), "avatar": avatar_key}
        key = cache_key("social", RECIPE, brandgen.__version__, fonts.fingerprint, fields)
        name = f"{out.route}{FILE_NAME}"
        # A hit costs a look-up in the digest index: the bytes are read only to be written.
        found = cache.digest(key) if key not in todo else None
        if found is not None:
            cache.hits += 1
            files.add_stored(name, key, card, found)
        else:
            todo.setdefault(key, (card, []))[1].append(name)
        alt = f"{profile.name}: {profile.headline}" if home else f"{title} — {profile.name}"
        after = replace(out, image_url=site.urls.path(name), image_size=SIZE, image_alt=alt)
        made[len(outputs)] = (after, name, key, card)
        outputs.append(after)
    drawn = draw_cards([card for card, _ in todo.values()], fonts, jobs)
    for (key, (card, names)), png in zip(todo.items(), drawn, strict=True):
        cache.misses += 1
        cache.put(key, png)
        stored = cache.on_disk(key)
        for name in names:
            files.add(name, key, card, png, stored)
    cache.save_index()
    # A card made now is kept only when it is stored in the blob cache (a held card's
    # bytes would have to be kept with it).
    for at, (after, name, key, card) in made.items():
        digest = files.digest(name)
        if digest is not None and files.is_stored(name):
            records[at] = CardRecord(after, name, key, card, digest)
    files.records = records
    return replace(site, outputs=tuple(outputs)), files
