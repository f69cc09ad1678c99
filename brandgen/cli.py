"""Command line: argparse, and the mapping of errors to exit codes (0 ok, 1 content, 2 usage)."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from brandgen import __version__
from brandgen.cli_args import now_of, parse_date, parse_jobs
from brandgen.cli_edit import add_edit_commands, cmd_edit

if TYPE_CHECKING:
    from brandgen.build import BuildResult
    from brandgen.errors import SourceError
    from brandgen.listing import Listing

# Only what --version and --help need is imported above: the pipeline (Jinja, markdown-it,
# Pygments, YAML) is imported by the command that uses it.


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brandgen",
        description="Build a personal-brand website (portfolio, CV, blog) and a private "
                    "career dashboard from YAML and Markdown.",
        epilog="Exit codes: 0 ok, 1 content or build error, 2 usage error.")
    parser.add_argument("--version", action="version", version=f"brandgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("init", help="create a new site project with example content",
                       description="Create a site project in DIR with a small, realistic "
                                   "example, a .gitignore and a GitHub Pages workflow.")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.add_argument("--force", action="store_true",
                   help="replace starter files that already exist with other content")
    p.add_argument("--today", type=parse_date, metavar="DATE", help=argparse.SUPPRESS)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("-C", "--root", type=Path, default=Path("."), metavar="DIR",
                       help="the site project (default: current folder)")
        p.add_argument("--drafts", action="store_true",
                       help="include drafts and future-dated posts")
        p.add_argument("--base-url", metavar="URL", help="override base_url from brandgen.yaml")
        p.add_argument("--today", type=parse_date, metavar="DATE",
                       help="pretend today is DATE (YYYY-MM-DD), e.g. to preview scheduled "
                            "posts or the dashboard")
        p.add_argument("-v", "--verbose", action="store_true", help="print per-stage timings")
        p.add_argument("-j", "--jobs", type=parse_jobs, default=None, metavar="N",
                       help="processes rendering Markdown (default: the CPU count; 1 renders "
                            "in this process)")
        p.add_argument("--no-cache", action="store_true",
                       help="ignore and do not update .brandgen-cache/ (the output is the same)")

    p = sub.add_parser("build", help="build site/public and site/private",
                       description="Build the public site into site/public and the private "
                                   "dashboard into site/private. A failed build leaves the "
                                   "previous site/ untouched.")
    common(p)
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write to DIR/public and DIR/private instead of site/")
    p.add_argument("--clean", action="store_true",
                   help="kept for compatibility: every build now finishes or removes what "
                        "an interrupted build left")

    p = sub.add_parser("check", help="validate content, SMART-check goals, check links and "
                                     "privacy; writes nothing",
                       description="Run every check of a build without writing any output.")
    common(p)

    p = sub.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and live-reload on "
                                     "change",
                       description="Build into memory and serve the site on 127.0.0.1 with "
                                   "live reload; a failed rebuild shows an error overlay and "
                                   "keeps the last good pages. Nothing is written to site/.")
    common(p)
    p.add_argument("--port", type=int, default=8000, metavar="N",
                   help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    p.add_argument("--open", action="store_true", help="open the site in a web browser")

    p = sub.add_parser("deploy", help="build, then publish site/public to the gh-pages branch",
                       description="Build the site, then commit site/public to a branch "
                                   "(default gh-pages) and push it. Your working tree and "
                                   "current branch are not touched.")
    common(p)
    p.add_argument("--remote", default="origin", metavar="NAME",
                   help="git remote to push to (default origin)")
    p.add_argument("--branch", default="gh-pages", metavar="NAME",
                   help="branch to publish to (default gh-pages)")
    p.add_argument("--message", "-m", metavar="M", help="commit message")
    p.add_argument("--dry-run", action="store_true",
                   help="build and commit locally, but do not push")
    p.add_argument("--allow-dirty", action="store_true",
                   help="publish even with uncommitted changes to brandgen.yaml, content/ "
                        "or themes/")

    p = sub.add_parser("clean", help="remove the build cache (.brandgen-cache/)",
                       description="Remove .brandgen-cache/. It never changes what is built, "
                                   "only how fast; the next build starts it afresh.")
    p.add_argument("-C", "--root", type=Path, default=Path("."), metavar="DIR",
                   help="the site project (default: current folder)")

    p = sub.add_parser("new", help="create new content", description="Create new content.")
    new_sub = p.add_subparsers(dest="kind", metavar="KIND")
    new_sub.required = True
    np = new_sub.add_parser("post", help="create content/posts/<date>-<slug>.md",
                            description="Create a draft post dated today.")
    np.add_argument("title", metavar="TITLE")
    np.add_argument("-C", "--root", type=Path, default=Path("."), metavar="DIR")
    np.add_argument("--today", type=parse_date, metavar="DATE", help=argparse.SUPPRESS)

    p = sub.add_parser("import", help="start content/*.yaml from a resume.json or a LinkedIn "
                                      "data export (.zip)",
                       description="Write content/profile.yaml, skills.yaml, experience.yaml, "
                                   "education.yaml and projects.yaml from a JSON Resume file "
                                   "or a LinkedIn data export, and list what could not be "
                                   "mapped. Existing files are kept unless --force.")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--force", action="store_true", help="replace existing content files")
    p.add_argument("-C", "--root", type=Path, default=Path("."), metavar="DIR",
                   help="the site project (default: current folder)")
    add_edit_commands(sub)
    return parser


def _print_problems(problems: Sequence[SourceError]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr, flush=True)


def _summary(result: BuildResult, verbose: bool, wrote: bool) -> str:
    total = sum(result.timings.values())
    if verbose:
        for name, seconds in result.timings.items():
            print(f"  {name:<18} {seconds * 1000:8.1f} ms")
    root = result.config.root

    def show(p: Path) -> str:
        try:
            return p.relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(p)

    if wrote:
        line = (f"Built {result.page_count} pages and {len(result.public)} files into "
                f"{show(result.public_dir.resolve())}, dashboard into "
                f"{show(result.private_dir.resolve())}")
        print(f"{line} in {total:.2f} s")
    else:
        line = f"Checked {result.page_count} pages: no errors, {len(result.warnings)} warnings"
        print(f"{line} ({total:.2f} s)")
    return line


def cmd_build(args: argparse.Namespace, write: bool) -> int:
    if not write or args.no_cache or args.clean:
        _run_build(args, write)
        return 0
    # The fast path: nothing changed since the last build -> nothing to do. Checked before
    # the pipeline is imported; see brandgen/stamp.py for what counts as a change.
    import time

    from brandgen import stamp
    from brandgen.bundled import BUNDLED_THEMES

    root = args.root.resolve()
    options = ["build", str(args.drafts), args.base_url or "", str(args.out or ""),
               str(args.today or "")]
    listing = stamp.take_listing(root, options, [BUNDLED_THEMES])
    previous = stamp.read_stamp(root, listing, time.time())
    if previous is not None:
        for warning in previous.warnings:
            print(warning, file=sys.stderr)
        print(f"{previous.summary}: nothing changed since the last build")
        return 0
    stamp.forget_stamp(root)  # a failed build must not leave the old stamp valid
    _KEPT.append(_run_build(args, write, listing))
    return 0


# The last build's result, kept until os._exit: freeing its millions of objects one by one
# (~50 ms at 4000 posts) is work the OS does at once when the process ends (see entry()).
_KEPT: list[object] = []


def _run_build(args: argparse.Namespace, write: bool, listing: Listing | None = None
               ) -> BuildResult:
    from brandgen.build import BuildOptions, build, render_all
    from brandgen.docs import default_jobs

    options = BuildOptions(root=args.root.resolve(), now=now_of(args), drafts=args.drafts,
                           base_url=args.base_url, out=getattr(args, "out", None),
                           clean=getattr(args, "clean", False), smart_warnings=not write,
                           jobs=args.jobs or default_jobs(), cache=not args.no_cache,
                           background_sweep=write, listing=listing)
    # A build allocates millions of objects that live until it ends: collecting them on the
    # way is wasted work (measured ~7% at 4000 posts).
    gc.disable()
    try:
        result = build(options) if write else render_all(options)
    finally:
        # What the build made is kept until the process ends (_KEPT): frozen, it is not
        # walked by the full collection the next allocation would start (~50 ms).
        gc.freeze()
        gc.enable()
    _print_problems(result.warnings)
    line = _summary(result, args.verbose, write)
    result.close()  # build() has closed it already
    if listing is not None:
        from brandgen.stamp import stamp_expiry, write_stamp

        write_stamp(result.config.root, listing, stamp_expiry(result, options.now,
                                                              bool(args.today)),
                    [result.public_dir.resolve(), result.private_dir.resolve()], line,
                    [w.format() for w in result.warnings])
    return result


def cmd_deploy(args: argparse.Namespace) -> int:
    from brandgen.config import load_config
    from brandgen.deploy import deploy, preflight
    from brandgen.errors import Problems

    root = args.root.resolve()
    problems = Problems()
    config = load_config(root, problems, args.base_url)
    problems.raise_if_any()
    for warning in preflight(root, remote=args.remote, branch=args.branch,
                             push=not args.dry_run, allow_dirty=args.allow_dirty,
                             private_is_example=config.private.example):
        print(f"brandgen deploy: warning: {warning}", file=sys.stderr)
    result = _run_build(args, write=True)
    message = args.message or f"Publish site ({now_of(args):%Y-%m-%d %H:%M} UTC)"
    print(deploy(root, result.public_dir, remote=args.remote,
                 branch=args.branch, message=message, push=not args.dry_run))
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    from brandgen.cache import FOLDER, clean_cache

    removed = clean_cache(args.root.resolve())
    print(f"Removed {FOLDER}/" if removed else f"No {FOLDER}/ here: nothing to remove")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from brandgen.pin import requirements_text
    from brandgen.private.starter import date_starter
    from brandgen.scaffold import init_project

    target: Path = args.dir
    for rel in init_project(target, requirements_text(), args.force):
        print(f"Replaced {target / rel} (--force)")
    date_starter(target, now_of(args).date())  # the example's career data is dated from today
    print(f"Created a site project in {target}. It describes a fictional person: make it "
          f"yours.\nNext: cd {target} && brandgen serve   (live preview while you edit "
          f"content/)\nThen: brandgen build, and push to GitHub (see "
          f".github/workflows/pages.yml and requirements.txt)")
    return 0


def cmd_new_post(args: argparse.Namespace) -> int:
    import yaml

    from brandgen.errors import BuildError, SourceError
    from brandgen.urls import slugify

    if not args.title.strip():
        print("brandgen new post: error: the title must not be empty", file=sys.stderr)
        return 2
    today = now_of(args).date()
    slug = slugify(args.title, limit=60) or "post"  # a 400-character title: a short name
    rel = f"content/posts/{today.isoformat()}-{slug}.md"
    path = args.root / rel
    if path.exists():
        raise BuildError([SourceError("a post with this name already exists", rel,
                                      hint="pick another title, or edit that file")])
    if not (args.root / "brandgen.yaml").is_file():
        raise BuildError([SourceError("no brandgen.yaml here", "brandgen.yaml",
                                      hint="run this inside a site project (brandgen init)")])
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump({"title": args.title, "date": today, "summary": "", "tags": [],
                            "draft": True}, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(f"---\n{front}---\n\nWrite here. Remove `draft: true` to publish.\n",
                    encoding="utf-8")
    print(f"Created {rel} (a draft: `brandgen serve --drafts` shows it; remove "
          f"`draft: true` to publish it)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)  # --version and --help exit here
    from brandgen.errors import BuildError

    try:
        if args.command == "init":
            return cmd_init(args)
        if args.command == "new":
            return cmd_new_post(args)
        if args.command == "import":
            from brandgen.importer import import_command

            return import_command(args.file, args.root, args.force)
        if args.command == "clean":
            return cmd_clean(args)
        if args.command == "serve":
            from brandgen.serve import run_server

            return run_server(args.root.resolve(), port=args.port, drafts=args.drafts,
                              base_url=args.base_url, today=args.today,
                              open_browser=args.open, verbose=args.verbose)
        if args.command == "deploy":
            return cmd_deploy(args)
        if args.command in ("checkin", "log", "move", "review"):
            return cmd_edit(args)
        return cmd_build(args, write=args.command == "build")
    except BuildError as e:
        _print_problems(e.errors)
        n = len(e.errors)
        outcome = {"deploy": "nothing was published", "checkin": "nothing was changed",
                   "log": "nothing was changed", "move": "nothing was changed"
                   }.get(args.command, "nothing was written")
        print(f"{n} error{'s' if n != 1 else ''}; {outcome}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if getattr(args, "verbose", False):
            import traceback

            traceback.print_exc()
        print(f"brandgen: internal error: {e!r}\n  hint: this is a bug in brandgen; run "
              f"again with -v for details and report it", file=sys.stderr)
        return 1


def entry() -> None:
    """The `brandgen` command: main(), then exit without tearing down every object.

    After a large build, freeing millions of objects one by one at interpreter exit is pure
    waste (the OS reclaims the memory at once); everything is flushed and closed first."""
    import os

    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its report at exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
