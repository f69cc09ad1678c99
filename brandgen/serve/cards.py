"""Social images between rebuilds: the build's stage, run only on the outputs that changed.

`social_images` decides each page's card from the page's Output and site-wide facts (the
profile, the accent, the host). An Output equal to last time, under equal site-wide facts,
gets last time's card and the same image fields. So does an Output that changed where the
card cannot tell (a post page whose list of related posts changed): the stage reads only its
route, template, own image, noindex and `card_text`, and adds only the image fields. The rest
go through the stage itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from brandgen.blobcache import BlobCache
from brandgen.public.carddraw import Fonts
from brandgen.public.social import FILE_NAME, card_text, social_images
from brandgen.public.views import Output, Site


@dataclass
class CardMemo:
    """Per route: the Output before the stage, after it, and the card files it made."""

    shared: object = None
    before: dict[str, Output] = field(default_factory=dict)
    after: dict[str, Output] = field(default_factory=dict)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    merged: dict[str, bytes] | None = None  # every route's files, sorted by name
    # One for the server's life: its character map and fingerprint are read once (the
    # cmap alone cost ~55 ms in every rebuild that drew a card).
    fonts: Fonts = field(default_factory=Fonts)

    def run(self, site: Site, cache: BlobCache) -> tuple[Site, dict[str, bytes]]:
        """What social_images(site, cache) returns, computing only what changed."""
        shared = (site.config.social_images, site.config.accent, site.config.base_url,
                  site.content.profile, _avatar(site))
        same = shared == self.shared
        todo = []
        for out in site.outputs:
            last = self.before.get(out.route) if same else None
            if last is None:
                todo.append(out)
            elif last is not out and last != out:
                if _card_key(site, last) != _card_key(site, out):
                    todo.append(out)
                    continue
                kept = self.after[out.route]  # the same card: only the image fields differ
                self.before[out.route], self.after[out.route] = out, out \
                    if kept is last else replace(out, image_url=kept.image_url,
                                                   image_size=kept.image_size,
                                                   image_alt=kept.image_alt)
        done, cards = social_images(replace(site, outputs=tuple(todo)), cache, self.fonts)
        made: dict[str, dict[str, bytes]] = {out.route: {} for out in done.outputs}
        for name, data in cards.items():  # a card lives beside its page: <route><file>
            made[name.removesuffix(FILE_NAME)][name] = data
        before = {out.route: out for out in todo}
        after = {out.route: out for out in done.outputs}
        outputs = []
        for out in site.outputs:
            if out.route in after:
                self.before[out.route], self.after[out.route] = before[out.route], \
                    after[out.route]
            outputs.append(self.after[out.route])
        routes = {out.route for out in site.outputs}
        gone = set(self.files) - routes
        for memo in (self.before, self.after, self.files):
            for route in gone:
                memo.pop(route, None)
        self.shared = shared
        return replace(site, outputs=tuple(outputs)), self._merged(made, bool(gone))

    def _merged(self, made: dict[str, dict[str, bytes]], gone: bool) -> dict[str, bytes]:
        """Every card file by name, sorted; remade only when a route's file names changed
        (a rebuild that redraws one card swaps its bytes in a copy)."""
        renamed = gone or any(self.files.get(route, {}).keys() != files.keys()
                              for route, files in made.items())
        self.files.update(made)
        if renamed or self.merged is None:
            self.merged = dict(sorted((name, data) for files in self.files.values()
                                      for name, data in files.items()))
        elif made:
            self.merged = dict(self.merged)
            for files in made.values():
                self.merged.update(files)
        return self.merged


def _card_key(site: Site, out: Output) -> object:
    """Everything of an Output the stage reads, under equal site-wide facts."""
    return (out.route, out.template, out.image_url, out.noindex, card_text(site, out))


def _avatar(site: Site) -> bytes:
    """The avatar's bytes, which cards are drawn with (a changed file redraws them all)."""
    avatar = site.content.profile.avatar
    if not avatar or avatar.startswith("http"):
        return b""
    try:
        return (site.config.content_dir / "static" / avatar).read_bytes()
    except OSError:
        return b""
