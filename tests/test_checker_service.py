"""The test run's one Nu Html Checker (tests/vnu.py): every check reuses the same JVM, and a
folder is checked as `--skip-non-html` would (its HTML files only)."""

from __future__ import annotations

from pathlib import Path

from tests.shared_run import run_folder
from tests.tools import vnu_messages
from tests.vnu import MAIN, html_files

VALID = "<!doctype html><html lang=en><title>ok</title><p>café</p>"


def test_every_check_in_a_run_uses_one_checker_process(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(VALID, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/b.htm").write_text(VALID, encoding="utf-8")
    (tmp_path / "sub/notes.txt").write_text("<p><div>not html", encoding="utf-8")
    assert html_files([tmp_path]) == [tmp_path / "a.html", tmp_path / "sub/b.htm"]
    assert vnu_messages([tmp_path]) == []
    pid = (run_folder() / "vnu.pid").read_text(encoding="ascii")
    bad = tmp_path / "bad.html"
    bad.write_text(VALID + "<p><div>nested</p>", encoding="utf-8")
    messages = vnu_messages([bad])
    assert messages and all(m["url"] == bad.as_uri() for m in messages), messages
    assert (run_folder() / "vnu.pid").read_text(encoding="ascii") == pid
    assert MAIN.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
