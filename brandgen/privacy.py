"""The privacy scan: no private text in the public output, however it was encoded.

Private strings and every public file are brought to one canonical form before matching:
JSON escapes and HTML entities decoded (twice, for the feed's escaped HTML), tags removed
(their attribute values kept, URL-decoded), Unicode NFKC, case folded, and everything but
letters and digits dropped, so a split, re-cased or re-spaced copy still matches. Multi-line
private values are also matched sentence by sentence; file names are scanned too. A private
string that the published sources also say is no leak: it was published on purpose.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from brandgen.errors import SourceError

try:  # a C automaton; the regex fallback finds the same, more slowly
    import ahocorasick  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the installation
    ahocorasick = None

MIN_CHARS = 8  # letters and digits, after normalising
TEXT_SUFFIXES = (".html", ".xml", ".json", ".txt", ".css", ".js", ".svg", ".ics", ".md",
                 ".webmanifest", "")

_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_JSON_ESCAPE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))')
_JSON_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
# Non-ASCII punctuation and spaces (typographic quotes, dashes, ellipsis, NBSP, bullets).
_PUNCTUATION = re.compile("[\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u2190-\u2bff"
                          "\u3000-\u303f\ufe10-\ufe6f]+")
_DROP = bytes(b for b in range(128) if not (chr(b).isalnum() or b == 0))
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class Leak:
    output: str  # path in the public output
    text: str  # the private text found
    source: str  # the private file it came from


def _json_unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1)
                            else _JSON_CHARS.get(m.group(2), m.group(2)), text)


def _fold(text: str) -> str:
    """Letters and digits only (NUL kept as a boundary), ASCII lower-cased; the text is
    already NFKC and case folded."""
    if not text.isascii():
        text = _PUNCTUATION.sub("", text)
    return text.encode().lower().translate(None, _DROP).decode()


def canonical(text: str) -> str:
    """The matching form of a text: decoded, untagged, NFKC, case-folded, letters and digits
    only; then, after a NUL that no match crosses, the whole text with its tags (so
    attribute values are matched too, URL-decoded)."""
    if not text.isascii():  # once for both streams: it is the costly step
        text = unicodedata.normalize("NFKC", text).casefold()
    text = _json_unescape(text)
    body = _TAG.sub("", text)
    for _ in range(2):  # the feed holds HTML escaped once more
        if "&" not in body:
            break
        body = _TAG.sub("", html.unescape(body))
    folded = _fold(unquote(body))
    if "<" not in text:
        return folded
    whole = html.unescape(text) if "&" in text else text
    return folded + "\x00" + _fold(unquote(whole))


def pieces(value: str) -> set[str]:
    """A private value, plus each line and sentence of it (a note's one sentence leaks too)."""
    out = {value.strip()}
    out.update(p.strip() for p in _SENTENCE.split(value))
    return {p for p in out if p}


def record_texts(*values: object) -> Iterator[str]:
    """Every string inside records (dataclasses, tuples, lists, dicts), depth first."""
    stack = list(reversed(values))
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(getattr(value, f.name) for f in reversed(dataclasses.fields(value)))
        elif isinstance(value, (tuple, list, frozenset, set)):
            stack.extend(sorted(value, key=str) if isinstance(value, (set, frozenset))
                         else reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed([*value.keys(), *value.values()]))


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation shaped as a trie, longest match first at each position."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class Matcher:
    """Finds every candidate that occurs in a canonical text in one pass: an Aho-Corasick
    automaton (pyahocorasick), or a trie-shaped regex where that is not installed."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self.lengths = sorted({len(w) for w in self.words})
        self.automaton: Any = None
        self.regex: re.Pattern[str] | None = None
        if not self.words:
            return
        if ahocorasick is not None:
            self.automaton = ahocorasick.Automaton()
            for word in sorted(self.words):
                self.automaton.add_word(word, word)
            self.automaton.make_automaton()
        else:
            self.regex = re.compile("(?=(" + _trie_pattern(sorted(self.words)) + "))")

    def found(self, text: str) -> set[str]:
        if self.automaton is not None:
            return {word for _, word in self.automaton.iter(text)}
        if self.regex is None:
            return set()
        hits: set[str] = set()
        for m in self.regex.finditer(text):
            longest = m.group(1)
            # shorter candidates that are prefixes of the longest one occur here too
            hits.update(longest[:n] for n in self.lengths
                        if n <= len(longest) and longest[:n] in self.words)
        return hits


class PrivacyScan:
    """The private candidates minus what is published anyway, ready to scan outputs."""

    def __init__(self, private: Mapping[str, str], published: Iterable[str]) -> None:
        by_form: dict[str, tuple[str, str]] = {}
        for text in sorted(private):
            for piece in sorted(pieces(text)):
                form = canonical(piece).split("\x00", 1)[0]  # its text, not its tags
                if len(form) >= MIN_CHARS:
                    by_form.setdefault(form, (piece, private[text]))
        public = "\x00".join(canonical(t) for t in published)
        exempt = Matcher(by_form).found(public)
        self.candidates = {f: v for f, v in by_form.items() if f not in exempt}
        self.matcher = Matcher(self.candidates)
        self.key = hashlib.sha256("\x00".join(sorted(self.candidates)).encode()).hexdigest()

    def remember(self, key: str, digests: Iterable[str]) -> None:
        """Contents an earlier build scanned clean under `key` (from its manifest)."""
        if key == self.key:
            self.clean.update(digests)

    @property
    def clean(self) -> set[str]:
        """Digests of contents known clean under this scan's key (kept for the process, so
        the dev server's rebuilds rescan only what changed)."""
        if len(_CLEAN) > 8 and self.key not in _CLEAN:
            _CLEAN.clear()
        return _CLEAN.setdefault(self.key, set())

    def scan(self, files: Mapping[str, bytes], digests: Mapping[str, str] | None = None
             ) -> list[Leak]:
        """Leaks in `files` (name -> bytes): each content once, file names always;
        `digests` (name -> sha256 hex) save hashing the files again."""
        if not self.candidates:
            return []
        clean = self.clean
        leaks: set[Leak] = set()
        for name in sorted(files):
            forms = [canonical(name)]
            digest = digests.get(name) if digests is not None else None
            if digest is None:
                digest = hashlib.sha256(files[name]).hexdigest()
            text_file = name.endswith(TEXT_SUFFIXES) or "." not in name.rsplit("/", 1)[-1]
            if text_file and digest not in clean:
                forms.append(canonical(files[name].decode("utf-8", "replace")))
            found = self.matcher.found("\x00".join(forms))
            for form in found:
                text, source = self.candidates[form]
                leaks.add(Leak(name, text, source))
            if not found:
                clean.add(digest)
        return sorted(leaks, key=lambda leak: (leak.output, leak.text))


_CLEAN: dict[str, set[str]] = {}


def find_leaks(files: Mapping[str, bytes], private: Mapping[str, str], public_text: str
               ) -> list[Leak]:
    """Private strings (text -> source file) found in `files`; one-shot form of the scan."""
    return PrivacyScan(private, [public_text]).scan(files)


def leak_errors(leaks: Iterable[Leak], public_dir: str) -> list[SourceError]:
    return [SourceError(f"private text {leak.text[:60]!r} from {leak.source} appears in the "
                        f"public output", f"{public_dir}/{leak.output}", 0, 0,
                        "remove it from the public content or template; the build was "
                        "stopped so nothing private was published") for leak in leaks]
