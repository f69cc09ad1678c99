"""A seeded brandgen site of N posts, and the same posts in a Hugo twin (benchmark input).

The post bodies follow ../shared/bench/gen_corpus.py's `rich` shape (a heading, three
paragraphs with emphasis, inline code and a link, a list, one fenced code block in python, js,
bash or toml); each post has a date and 1-3 of 12 tags, as the Hugo twin expects. The same
(N, seed) always gives byte-identical files.

usage: python benchmarks/gen_corpus.py N DIR [--seed 2022] [--hugo HUGO_TWIN_DIR]
DIR becomes a brandgen project (brandgen.yaml + content/); with --hugo, DIR/hugo is the twin:
HUGO_TWIN_DIR's hugo.toml and layouts/ plus the same posts under content/posts/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

WORDS = (  # noqa: SIM905 (one string reads as the prose it is)
    "lorem ipsum dolor sit amet consectetur adipisicing elit sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam "
    "quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
    "consequat duis aute irure in reprehenderit voluptate velit esse cillum "
    "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt "
    "culpa qui officia deserunt mollit anim id est laborum"
).split()
LANGS = ("python", "js", "bash", "toml")
TAGS = ("python", "go", "platform", "devops", "testing", "security", "data", "career",
        "leadership", "architecture", "cloud", "writing")
FIRST_DAY = dt.date(2015, 1, 1)

SITE_YAML = "title: Bench Site\nbase_url: https://example.github.io/brand/\nposts_per_page: 10\n"
PROFILE = """\
name: Bench Person
headline: Platform engineer
value_proposition: I help teams ship calmly.
summary: |
  I build *platforms* that teams enjoy. See the [CV](../cv/) for more.
email: bench@example.com
"""
SKILLS = "- name: Python\n  level: 5\n- name: Go\n  level: 3\n"


def _sentence(rng: random.Random, lo: int = 6, hi: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _paragraph(rng: random.Random, lo: int = 3, hi: int = 5) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(lo, hi)))


def _decorate(rng: random.Random, para: str, slug: str) -> str:
    words = para.split(" ")
    if len(words) < 8:
        return para
    i, j, k, m = sorted(rng.sample(range(1, len(words) - 1), 4))

    def wrap(word: str, left: str, right: str) -> str:
        return left + word.rstrip(".") + right + ("." if word.endswith(".") else "")

    words[i] = wrap(words[i], "*", "*")
    words[j] = wrap(words[j], "**", "**")
    words[k] = wrap(words[k], "`", "()`")
    words[m] = wrap(words[m], "[", f"](https://example.com/{slug})")
    return " ".join(words)


def _code(rng: random.Random, idx: int) -> str:
    lang = rng.choice(LANGS)
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    if lang == "python":
        body = f"def {a}_{idx}(x):\n    # {b}\n    return [x * i for i in range({idx % 7 + 2})]"
    elif lang == "js":
        body = f"function {a}{idx}(x) {{\n  // {b}\n  return x.map((i) => i * {idx % 7 + 2});\n}}"
    elif lang == "bash":
        body = f'for f in {a}/*.md; do\n  echo "$f" # {b}\ndone'
    else:
        body = f'[{a}]\nname = "{b}"\ncount = {idx}'
    return f"```{lang}\n{body}\n```"


def make_post(rng: random.Random, idx: int) -> tuple[str, str]:
    """(file stem, file text) of post number `idx`."""
    title_words = [rng.choice(WORDS) for _ in range(5)]
    title = " ".join(title_words) + f" {idx}"
    stem = f"{idx:05d}-" + "-".join(title_words)
    tags = rng.sample(TAGS, rng.randint(1, 3))
    date = FIRST_DAY + dt.timedelta(days=idx)
    front = f"---\ntitle: {title}\ndate: {date.isoformat()}\ntags: [{', '.join(tags)}]\n---\n\n"
    body = "\n\n".join([
        "## " + _sentence(rng, 3, 6).rstrip("."),
        _decorate(rng, _paragraph(rng), stem),
        "\n".join("- " + _sentence(rng, 3, 8) for _ in range(rng.randint(3, 5))),
        _decorate(rng, _paragraph(rng, 2, 4), stem),
        _code(rng, idx),
        _paragraph(rng, 2, 4),
    ])
    return stem, front + body + "\n"


def posts(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(f"{seed}:brandgen")
    return [make_post(rng, i) for i in range(n)]


def write_site(n: int, root: Path, seed: int = 2022, hugo_twin: Path | None = None) -> int:
    """Write the brandgen project (and the Hugo twin under root/hugo); returns post bytes."""
    for folder in (root / "content", root / "hugo"):
        shutil.rmtree(folder, ignore_errors=True)
    (root / "content/posts").mkdir(parents=True)
    (root / "brandgen.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "content/profile.yaml").write_text(PROFILE, encoding="utf-8")
    (root / "content/skills.yaml").write_text(SKILLS, encoding="utf-8")
    targets = [root / "content/posts"]
    if hugo_twin is not None:
        hugo = root / "hugo"
        shutil.copytree(hugo_twin / "layouts", hugo / "layouts")
        shutil.copyfile(hugo_twin / "hugo.toml", hugo / "hugo.toml")
        (hugo / "content/posts").mkdir(parents=True)
        targets.append(hugo / "content/posts")
    total = 0
    for stem, text in posts(n, seed):
        data = text.encode("utf-8")
        total += len(data)
        for folder in targets:
            (folder / f"{stem}.md").write_bytes(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--hugo", type=Path, help="the Hugo twin to copy config and layouts from")
    args = parser.parse_args()
    total = write_site(args.n, args.dir, args.seed, args.hugo)
    print(f"wrote {args.n} posts, {total} bytes, to {args.dir}")


if __name__ == "__main__":
    main()
