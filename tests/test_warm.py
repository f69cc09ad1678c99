"""A kept assembly never changes what is built: after random edits, a `brandgen build` that
starts from the last build's assembly (brandgen/public/warm.py) writes the same files, and
says the same things, as a build from scratch; and it is used only when it may be."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

from brandgen import background, cli, cli_args, postcache, stamp
from brandgen.build import BuildResult
from brandgen.cache import FOLDER
from brandgen.errors import BuildError
from brandgen.public import warm
from brandgen.public.views import Output
from tests.conftest import NOW, REPO, SiteMaker, run_build
from tests.test_engine import tree
from tests.test_serve_incremental import OPS, Sources, edit, post_text

TODAY = NOW.date().isoformat()
WARM = ("body", "title", "tags", "date", "draft", "template", "css", "newest")
# (not "draft" again: a drafted post that others link to fails every build after it)
AGAIN = ("body", "title", "tags", "date", "template", "newest")


@pytest.fixture
def inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in this process, with no racy window (each edit here changes the file's
    ctime at least a build after the last) and the assembly kept before main() returns."""
    monkeypatch.setattr(stamp, "RACY_SECONDS", 0.0)
    monkeypatch.setattr(postcache, "RACY_NS", 0)
    monkeypatch.setattr(background, "can_fork", lambda: False)


def cli_build(root: Path, out: Path, *args: str) -> BuildResult | None:
    """`brandgen build` in this process (`args`: more options; --today TODAY unless
    "--clock" is one of them): its result, or None when it failed."""
    cli._KEPT.clear()
    today = [] if "--clock" in args else ["--today", TODAY]
    code = cli.main(["build", "-C", str(root), "--out", str(out), *today,
                     *(a for a in args if a != "--clock")])
    result = cli._KEPT.pop() if code == 0 else None
    cli._KEPT.clear()
    return result


def differ(out: Path, reference: Path) -> list[str]:
    """The files of two builds' output folders that are not the same (or not in both)."""
    a, b = ({**{f"public/{k}": v for k, v in tree(base / "public").items()},
             **{f"private/{k}": v for k, v in tree(base / "private").items()}}
            for base in (out, reference))
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def warm_site(make_site: SiteMaker, rng: random.Random, posts: int = 8) -> Path:
    return make_site({"brandgen.yaml": "base_url: https://ada.github.io/brand/\n"
                                       "posts_per_page: 2\n",
                      "content/posts/2026-01-01-first.md": post_text(rng, "First", 0),
                      **{f"content/posts/2026-01-{d:02d}-p{d}.md": post_text(rng, f"P{d}", d)
                         for d in range(2, posts + 1)}})


@pytest.mark.usefixtures("inline")
@pytest.mark.parametrize("seed", [3])
def test_random_edits_build_what_a_build_from_scratch_writes(
        make_site: SiteMaker, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = warm_site(make_site, rng)
    src = Sources(root)
    assert cli_build(root, tmp_path / "out") is not None
    # Edits a kept assembly serves, then each kind once (a renamed or deleted post that
    # others link to fails every build after it).
    ops = rng.choices(AGAIN, k=12) + rng.sample(OPS, len(OPS))
    reused, failed = [], 0
    for step, op in enumerate(ops):
        edit(rng, src, step, op)
        result = cli_build(root, tmp_path / "out")
        try:
            reference = run_build(root, out=tmp_path / "ref", cache=False)
        except BuildError:  # a link to a deleted post: both fail
            assert result is None, op
            failed += 1
            continue
        assert result is not None, op
        assert differ(tmp_path / "out", tmp_path / "ref") == [], (step, op)
        assert [w.format() for w in result.warnings] == \
            [w.format() for w in reference.warnings], (step, op)
        if "read content" not in result.timings:
            reused.append(op)
    assert failed < len(ops) // 2
    # Edits of posts that keep the set of post files, and of templates, start from the
    # kept assembly (the first build after a failed one, or after another edit, may not).
    assert len(reused) >= 8 and set(reused) <= set(WARM), reused


@pytest.mark.usefixtures("inline")
def test_an_edited_post_reuses_every_other_page_key(make_site: SiteMaker, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs nothing changed are the kept objects: their own key parts and their
    social cards are not made again (only the edited post's page and the pages that show
    it are looked at)."""
    from brandgen.public import pagekeys, social

    root = warm_site(make_site, random.Random(5), posts=12)
    assert cli_build(root, tmp_path / "out") is not None
    made: list[str] = []
    real = pagekeys.PageKeys._dumps

    def counting(self: pagekeys.PageKeys, value: object) -> bytes | None:
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str):
            made.append(value[0])
        return real(self, value)

    monkeypatch.setattr(pagekeys.PageKeys, "_dumps", counting)
    carded: list[str] = []
    real_text = social.card_text

    def card_text(site: object, out: Output) -> tuple[str, str]:
        carded.append(out.route)
        return real_text(site, out)  # type: ignore[arg-type]

    monkeypatch.setattr(social, "card_text", card_text)
    post = root / "content/posts/2026-01-06-p6.md"
    post.write_text(post.read_text() + "\nA new line.\n")
    result = cli_build(root, tmp_path / "out")
    assert result is not None and "read content" not in result.timings
    assert "post.html" in made and 0 < len(made) < len(result.site.outputs) // 2, made
    assert "blog/p6/" in carded and len(carded) < len(result.site.outputs) // 2, carded
    reference = run_build(root, out=tmp_path / "ref", cache=False)
    assert differ(tmp_path / "out", tmp_path / "ref") == []
    assert reference.page_count == result.page_count


@pytest.mark.usefixtures("inline")
@pytest.mark.parametrize("damage", ["truncated", "foreign", "next-day", "added-post",
                                    "profile", "drafts", "racy-input", "racy-post"])
def test_a_kept_assembly_is_used_only_when_it_may_be(
        make_site: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        damage: str) -> None:
    root = warm_site(make_site, random.Random(9))
    clock = [NOW]  # "next-day": builds on the clock (no --today), the day changes between
    monkeypatch.setattr(cli, "now_of", lambda args: clock[0] if damage == "next-day"
                        else cli_args.now_of(args))
    more = ("--clock",) if damage == "next-day" else ()
    assert cli_build(root, tmp_path / "out", *more) is not None
    kept = root / FOLDER / warm.FILE
    post = root / "content/posts/2026-01-03-p3.md"
    post.write_text(post.read_text() + "\nEdited.\n")
    if damage == "truncated":
        kept.write_bytes(kept.read_bytes()[:-100])
    elif damage == "foreign":
        kept.write_bytes(pickle.dumps({"not": "ours"}))
    elif damage == "next-day":
        clock[0] = NOW + dt.timedelta(days=1)
    elif damage == "added-post":
        (root / "content/posts/2026-01-09-new.md").write_text(post_text(random.Random(1),
                                                                        "New", 9))
    elif damage == "profile":
        profile = root / "content/profile.yaml"
        profile.write_text(profile.read_text().replace("Engineer", "Architect"))
    elif damage == "drafts":
        more = ("--drafts",)
    elif damage == "racy-input":  # an input but the posts changed within the racy window
        monkeypatch.setattr(stamp, "RACY_SECONDS", 1e9)
    else:  # an edit in the racy window: the stat is not kept, the file is read again
        monkeypatch.setattr(postcache, "RACY_NS", 10**12)
    result = cli_build(root, tmp_path / "out", *more)
    assert result is not None
    reference = run_build(root, out=tmp_path / "ref", cache=False, now=clock[0],
                          drafts=damage == "drafts")
    assert differ(tmp_path / "out", tmp_path / "ref") == []
    assert reference.page_count == result.page_count
    if damage == "racy-post":  # used, and next time that post is parsed again, not trusted
        assert "read content" not in result.timings
        head = warm.KeptReader(root, stamp.take_listing(
            root, ["build", "False", "", str(tmp_path / "out"), TODAY]), NOW.date())
        assert head.changed == sorted(p.name for p in (root / "content/posts").iterdir())
        head.close()
    else:
        assert "read content" in result.timings


@pytest.mark.usefixtures("inline")
def test_a_failed_build_leaves_the_last_assembly(make_site: SiteMaker, tmp_path: Path
                                                 ) -> None:
    """A build that fails keeps nothing; the next one starts from the last good build's
    assembly, with every post edited since parsed again."""
    root = warm_site(make_site, random.Random(4))
    assert cli_build(root, tmp_path / "out") is not None
    kept = (root / FOLDER / warm.FILE).read_bytes()
    post = root / "content/posts/2026-01-02-p2.md"
    good = post.read_text()
    post.write_text(good.replace("title:", "colour: blue\ntitle:", 1))
    other = root / "content/posts/2026-01-04-p4.md"
    other.write_text(other.read_text().replace("title: P4", "title: Four"))
    assert cli_build(root, tmp_path / "out") is None
    assert (root / FOLDER / warm.FILE).read_bytes() == kept
    post.write_text(good + "\nFixed.\n")
    result = cli_build(root, tmp_path / "out")
    assert result is not None and "read content" not in result.timings
    run_build(root, out=tmp_path / "ref", cache=False)
    assert differ(tmp_path / "out", tmp_path / "ref") == []


def test_the_command_keeps_the_assembly_in_the_background(make_site: SiteMaker,
                                                          tmp_path: Path) -> None:
    """The real command: the assembly is written by a child after the command's output
    is complete (the reader of that output does not wait for it), and the next build
    starts from it."""
    root = warm_site(make_site, random.Random(6))
    past = 1_700_000_000
    for path in [root / "brandgen.yaml", *root.rglob("content/**/*")]:
        os.utime(path, (past, past))

    def build() -> str:
        done = subprocess.run([sys.executable, "-m", "brandgen", "build", "-v", "-C",
                               str(root), "--out", str(tmp_path / "out"), "--today", TODAY],
                              capture_output=True, text=True, cwd=REPO, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    assert "kept assembly" not in build()
    for _ in range(200):  # the child renames the file into place when it is done
        if (root / FOLDER / warm.FILE).exists():
            break
        subprocess.run(["sleep", "0.05"], check=True)
    post = root / "content/posts/2026-01-05-p5.md"
    post.write_text(post.read_text() + "\nEdited.\n")
    os.utime(post, (past + 10, past + 10))
    second = build()
    assert "kept assembly" in second and "read content" not in second, second
    run_build(root, out=tmp_path / "ref", cache=False)
    assert differ(tmp_path / "out", tmp_path / "ref") == []
