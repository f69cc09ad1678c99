"""Page keys: a page's key is a hash of everything its bytes can depend on (the page cache,
brandgen/public/pagecache.py, renders a page again only when its key is new):

- brandgen's code and version and the Jinja, MarkupSafe and Pygments versions;
- the source of its template and of every template that one extends, includes or imports
  (found in the template's syntax tree; a name computed at render time means all of them);
- the site-wide values every page gets (settings, profile, menu, brand colour, images);
- the parts of `site` the template reads: its syntax tree names them as attribute chains
  (`site.content.roles`, `site.title`); any other use of `site` means all of `site`;
- the page's own context and head data, pickled, each view in them (a post shows in 30
  lists) as the digest of its own pickle, made once per build.

Pickling is exact (different values give different bytes); where the same value can pickle
two ways (a set's order) the cost is a miss, never a stale page. A value that cannot be
pickled makes the page uncacheable: it is rendered every time.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jinja2

from brandgen.model import Document, Post
from brandgen.postcache import post_key
from brandgen.public.fingerprint import code_fingerprint
from brandgen.public.templatecache import TRACKED, Chain, TemplateDeps, TemplateSlots
from brandgen.public.views import Output, PageView, PostView, ProjectView, TagLink, TocEntry

_VIEWS = (PostView, ProjectView, PageView, TagLink)


def _read(value: object, chain: Chain) -> object:
    for part in chain:
        try:
            value = getattr(value, part)
        except AttributeError:
            try:
                value = value[part]  # type: ignore[index]
            except (TypeError, LookupError):
                return ("missing", chain)
    return value


def _view_ref(digest: bytes) -> None:
    """What a view stands for in a key's pickle (never called: keys are not unpickled)."""


def _post_ref(key: str) -> None:
    """What a Post stands for in a view's pickle: its post-cache key (never called)."""


_Reduced = tuple[Callable[[bytes], None], tuple[bytes]]
# Small records a view holds many of: pickled as their type and field values (what their
# default reduction says, without its per-object state dict).
_RECORDS = (TagLink, TocEntry, Document)


class _ViewPickler(pickle.Pickler):
    """Pickles a view for its digest, with each Post the post cache read or stored as its
    cache key (which covers everything the Post is made of: brandgen/postcache.py)."""

    def reducer_override(self, obj: object) -> Any:
        kind = type(obj)
        if kind is Post:
            key = post_key(obj)  # type: ignore[arg-type]
            if key is not None:
                return _post_ref, (key,)
        elif kind in _RECORDS:
            return kind, tuple(obj.__dict__.values())
        return NotImplemented


class _Dumper:
    """One pickler and buffer reused for many values: each dump is the bytes a new
    pickler would make (its memo is cleared), without making one (~3 us a page)."""

    def __init__(self, make: Callable[[io.BytesIO], pickle.Pickler]) -> None:
        self._buffer = io.BytesIO()
        self._pickler = make(self._buffer)

    def dumps(self, value: object) -> bytes:
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._pickler.clear_memo()
        self._pickler.dump(value)
        return buffer.getvalue()


class _KeyPickler(pickle.Pickler):
    """Pickles a page's values with each view (a post shows in 30 lists) replaced by the
    digest of its own pickle, made once per build. Builtin containers and strings take
    pickle's C paths; only other objects come here, and the stand-in's reference to
    `_view_ref` sets it apart from any value a template sees. (A dispatch table for the
    view types alone, which spares the call for every other object, measured 10% slower.)"""

    def __init__(self, file: io.BytesIO, memo: dict[int, tuple[object, _Reduced]]) -> None:
        super().__init__(file, protocol=5)
        self.views = memo  # id -> (view, its stand-in): the view is kept alive, so its id
        # stays its own and a hit needs no type check
        self._view = _Dumper(lambda buffer: _ViewPickler(buffer, protocol=5))

    def reducer_override(self, obj: object) -> Any:
        found = self.views.get(id(obj))
        if found is not None:
            return found[1]
        if isinstance(obj, _VIEWS):
            digest = hashlib.sha256(self._view.dumps(obj)).digest()  # SHA-NI: 2x blake2b
            self.views[id(obj)] = (obj, (_view_ref, (digest,)))
            return _view_ref, (digest,)
        return NotImplemented


class PageKeys:
    """Cache keys of pages for one build: `key(out, extra)` or None (not cacheable).

    A key hashes the template's and the site's parts with the page's own part, the digest
    of its output and head data: `owns` holds each output's own part by the output's id
    (the outputs must stay alive), given for outputs a kept assembly made before
    (brandgen/public/warm.py: the same Output object under the same routes and profile) and
    filled in for the rest."""

    def __init__(self, env: jinja2.Environment, site_value: object,
                 common: Mapping[str, object], salt: Iterable[object],
                 slots: TemplateSlots | None = None, owns: dict[int, bytes] | None = None
                 ) -> None:
        self.deps = TemplateDeps(env, slots)
        self.owns = owns if owns is not None else {}
        self.site_value = site_value
        self._views: dict[int, tuple[object, _Reduced]] = {}
        self._dumper = _Dumper(lambda buffer: _KeyPickler(buffer, self._views))
        self._site_parts: dict[frozenset[Chain], bytes | None] = {}
        plain = {k: v for k, v in sorted(common.items()) if k != TRACKED and not callable(v)}
        shared = self._dumps((plain, tuple(salt)))
        self.usable = shared is not None
        self.base = hashlib.blake2b(code_fingerprint(), digest_size=32)
        self.base.update(shared or b"")

    def _dumps(self, value: object) -> bytes | None:
        try:
            return self._dumper.dumps(value)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None

    def _site_digest(self, chains: frozenset[Chain]) -> bytes | None:
        if chains not in self._site_parts:
            wanted = [()] if () in chains else sorted(chains)
            data = self._dumps([(c, _read(self.site_value, c)) for c in wanted])
            self._site_parts[chains] = hashlib.blake2b(data).digest() if data else None
        return self._site_parts[chains]

    def key(self, out: Output, extra: Callable[[Output], object]) -> str | None:
        """The key of `out`, whose head data `extra(out)` makes (when not known already)."""
        if not self.usable:
            return None
        try:
            template_digest, chains = self.deps.of(out.template)
        except Exception:  # a missing or broken template: rendering reports it
            return None
        site_digest = self._site_digest(chains)
        own = self.owns.get(id(out))
        if own is None:
            data = self._dumps((out.template, out.context, extra(out)))
            if data is None:
                return None
            own = self.owns[id(out)] = hashlib.blake2b(data, digest_size=32).digest()
        if site_digest is None:
            return None
        digest = self.base.copy()
        digest.update(template_digest + site_digest + own)
        return digest.hexdigest()
