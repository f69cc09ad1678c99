"""checkin, log, move as a user runs them: hand-written, commented YAML files keep every byte
they had, the diff shows only the added lines, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from brandgen.cli import main
from brandgen.errors import BuildError
from brandgen.private.commands import checkin
from tests.conftest import REPO, SiteMaker
from tests.private_edits import GOALS, NETWORK, OPPORTUNITIES, edit_site, inserted, run, sha


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return edit_site(make_site)


def test_checkin_appends_in_the_style_of_its_neighbours(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content/private/goals.yaml"
    code, out, err = run(capsys, site, "checkin", "talks", "3", "--note", "Lisbon: keynote")
    assert code == 0, err
    line, lines = inserted(GOALS, path.read_text())
    assert line == 17  # after the last check-in, before the blank line and the next comment
    assert lines == ["    - date: 2026-11-23\n", "      value: 3\n",
                     '      note: "Lisbon: keynote"\n']  # quoted like the neighbour's note
    assert "Recorded a check-in on 'talks'" in out and "+      value: 3" in out


def test_checkin_in_the_indentless_style(site: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    path = site / "content/private/goals.yaml"
    assert run(capsys, site, "checkin", "reading", "7.5", "--date", "2026-11-01")[0] == 0
    line, lines = inserted(GOALS, path.read_text())
    assert line == 28 and lines == ["  - date: 2026-11-01\n", "    value: 7.5\n"]


def test_checkin_into_a_flow_list(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content/private/goals.yaml"
    assert run(capsys, site, "checkin", "posts", "9")[0] == 0
    old, new = GOALS.splitlines(), path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [(
        "- {id: posts, title: Post monthly, target: 12, checkins: [{date: 2026-01-31, value: 1}]}",
        "- {id: posts, title: Post monthly, target: 12, checkins: [{date: 2026-01-31, value: 1}"
        ", {date: 2026-11-23, value: 9}]}")]


def test_checkin_creates_the_missing_list(site: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    path = site / "content/private/goals.yaml"
    assert run(capsys, site, "checkin", "half-marathon", "131", "--note", "Parkrun pace")[0] == 0
    line, lines = inserted(GOALS, path.read_text())
    assert line == 41 and lines == ["  checkins:\n", "    - date: 2026-11-23\n",
                                    "      value: 131\n", '      note: "Parkrun pace"\n']


def test_a_backdated_checkin_goes_in_date_order(site: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    path = site / "content/private/goals.yaml"
    assert run(capsys, site, "checkin", "talks", "1.5", "--date", "2026-04-15")[0] == 0
    line, lines = inserted(GOALS, path.read_text())
    assert line == 14 and lines == ["    - date: 2026-04-15\n", "      value: 1.5\n"]


def test_crlf_and_a_missing_final_newline_are_kept(make_site: SiteMaker,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    text = ("# goals\r\n- id: talks\r\n  title: Give four talks\r\n  target: 4\r\n"
            "  checkins:\r\n    - date: 2026-03-01\r\n      value: 1")
    root = make_site({"content/private/goals.yaml": text.encode()})
    assert run(capsys, root, "checkin", "talks", "2")[0] == 0
    after = (root / "content/private/goals.yaml").read_bytes().decode()
    assert after == text + "\r\n    - date: 2026-11-23\r\n      value: 2"


@pytest.mark.parametrize(("args", "message", "hint"), [
    (("checkin", "talk", "3"), "goals.yaml:3:1: error: unknown goal 'talk'",
     "did you mean 'talks'?"),
    (("checkin", "talks/reach", "3"), "error: goal 'talks' has no key result 'reach'",
     "has no key_results"),
    (("checkin", "lead/report", "3"), "error: goal 'lead' has no key result 'report'",
     "did you mean 'reports'? Key results of this goal: lead/reports, lead/feedback"),
    (("checkin", "lead", "3"), "error: goal 'lead' is measured by its key results",
     "lead/reports, lead/feedback"),
    (("checkin", "talks", "3", "--date", "2026-12-01"), "is in the future", "once it has"),
    (("checkin", "talks", "3", "--date", "2026-06-01"),
     "'talks' already has a check-in on 2026-06-01", "one check-in per date"),
    (("log", "da"), "network.yaml:2:1: error: 'da' matches 2 contacts",
     "Dana Whitcombe, Daniel Ortiz"),
    (("log", "zed"), "error: no contact's name starts with 'zed'", "Dana Whitcombe"),
    (("move", "halcyon", "offer"), "error: unknown opportunity 'halcyon'",
     "engineering-manager-core-platform"),
    (("move", "engineering-manager-core-platform", "applied"), "already at stage 'applied'",
     "--next-step"),
    (("move", "cfp", "interviewing", "--date", "2026-10-10"),
     "opportunities.yaml:13:5: error: 'cfp' moved to its current stage on 2026-10-15",
     "oldest first"),
    (("move", "cfp", "interviewing", "--date", "2026-11-30"), "is in the future", ""),
    (("log", "dana", "--date", "2026-11-24"), "is in the future", "next_followup"),
])
def test_content_errors_change_nothing(site: Path, capsys: pytest.CaptureFixture[str],
                                       args: tuple[str, ...], message: str, hint: str) -> None:
    files = sorted((site / "content/private").glob("*.yaml"))
    before = {p: sha(p) for p in files}
    code, out, err = run(capsys, site, *args)
    assert code == 1 and out == ""
    assert message in err and hint in err.split("hint:", 1)[1], err
    assert "nothing was changed" in err
    assert {p: sha(p) for p in files} == before


@pytest.mark.parametrize(("args", "message"), [
    (("checkin", "talks", "3", "--confidence", "11"), "--confidence must be 1-10, got 11"),
    (("move", "engineering-manager-core-platform", "intervewing"), "did you mean 'interviewing'"),
    (("log", "dana", "--kind", "lunch"), "Kinds: call, coffee"),
])
def test_usage_errors_exit_2(site: Path, capsys: pytest.CaptureFixture[str],
                             args: tuple[str, ...], message: str) -> None:
    before = {p: sha(p) for p in (site / "content/private").glob("*.yaml")}
    code, _, err = run(capsys, site, *args)
    assert code == 2 and message in err, err
    assert {p: sha(p) for p in (site / "content/private").glob("*.yaml")} == before


@pytest.mark.parametrize("args", [("checkin", "talks", "three"),
                                  ("checkin", "talks", "nan"),
                                  ("checkin", "talks", "3", "--date", "2026-02-30"),
                                  ("move", "x", "offer", "--due", "soon")])
def test_unparseable_arguments_exit_2(site: Path, capsys: pytest.CaptureFixture[str],
                                      args: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as info:
        run(capsys, site, *args)
    assert info.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_an_error_elsewhere_in_the_private_data_blocks_the_edit(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The result is validated as a build would: the build would fail, so nothing is
    written, and the error says where."""
    swot = site / "content/private/swot.yaml"
    swot.write_text("strengths: [calm]\nweakneses: [delegation]\n")
    goals = site / "content/private/goals.yaml"
    before = sha(goals)
    code, _, err = run(capsys, site, "checkin", "talks", "3")
    assert code == 1 and "swot.yaml:2:1: error: weakneses: unknown key" in err
    assert sha(goals) == before


def test_invalid_yaml_is_reported_and_kept(make_site: SiteMaker,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/private/goals.yaml": "- id: a\n  title: [unclosed\n"})
    before = sha(root / "content/private/goals.yaml")
    code, _, err = run(capsys, root, "checkin", "a", "1")
    assert code == 1 and "goals.yaml:" in err and "invalid YAML" in err
    assert sha(root / "content/private/goals.yaml") == before


def test_missing_file_and_missing_project(make_site: SiteMaker, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site()
    code, _, err = run(capsys, root, "checkin", "a", "1")
    assert code == 1 and "content/private/goals.yaml: error: file is missing" in err
    code, _, err = run(capsys, tmp_path / "nowhere", "log", "dana")
    assert code == 1 and "brandgen.yaml" in err
    assert not (root / "content/private/goals.yaml").exists()


def test_move_updates_next_step_and_due_in_place(site: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content/private/opportunities.yaml"
    code, out, err = run(capsys, site, "move", "engineering-manager-core-platform", "applied",
                         "--next-step", "Chase: the recruiter", "--due", "2026-12-02")
    assert code == 0, err
    old, new = OPPORTUNITIES.splitlines(), path.read_text().splitlines()
    assert [(a, b) for a, b in zip(old, new, strict=True) if a != b] == [
        ("  next_step: 'Wait for the recruiter'", "  next_step: 'Chase: the recruiter'"),
        ("  due: 2026-11-27", "  due: 2026-12-02")]
    assert "\n-  due: 2026-11-27\n" in out and "\n+  due: 2026-12-02\n" in out


def test_checkin_on_a_key_result_with_confidence(site: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content/private/goals.yaml"
    before = path.read_text()
    assert run(capsys, site, "checkin", "lead/reports", "2", "--confidence", "8")[0] == 0
    line, lines = inserted(before, path.read_text())
    assert line == 52 and lines == ["        - date: 2026-11-23\n", "          value: 2\n",
                                    "          confidence: 8\n"]
    before = path.read_text()
    assert run(capsys, site, "checkin", "lead/feedback", "1", "--date", "2026-11-20")[0] == 0
    line, lines = inserted(before, path.read_text())
    assert line == 58 and lines == ["      checkins:\n", "        - date: 2026-11-20\n",
                                    "          value: 1\n"]


def test_log_creates_the_list_or_joins_it(site: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    path = site / "content/private/network.yaml"
    code, out, err = run(capsys, site, "log", "DANA", "--kind", "call", "--note",
                         "Transition plan, part 2")
    assert code == 0, err
    assert "Logged call with Dana Whitcombe on 2026-11-23" in out
    line, lines = inserted(NETWORK, path.read_text())
    # the only other log in the file is indentless with flow items: so is the new one
    assert line == 6 and lines == [
        "  log:\n", "  - {date: 2026-11-23, kind: call, note: 'Transition plan, part 2'}\n"]
    before = path.read_text()
    assert run(capsys, site, "log", "ingrid", "--kind", "email", "--date", "2026-09-01")[0] == 0
    line, lines = inserted(before, path.read_text())
    assert lines == ["  - {date: 2026-09-01, kind: email}\n"]
    assert path.read_text().splitlines()[line] == "  - {date: 2026-10-01, kind: coffee}"
    assert run(capsys, site, "log", "Dani")[0] == 0  # a unique prefix
    assert run(capsys, site, "log", "íngrid sol")[1].startswith("Logged an interaction with "
                                                                 "Ingrid Solheim")


def test_a_newest_first_log_stays_newest_first(make_site: SiteMaker,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    text = ("- name: Ada\n  log:  # newest first\n    - {date: 2026-11-04, kind: call}\n"
            "    - {date: 2026-10-06, kind: email}\n")
    root = make_site({"content/private/network.yaml": text})
    assert run(capsys, root, "log", "ada", "--kind", "coffee")[0] == 0
    line, lines = inserted(text, (root / "content/private/network.yaml").read_text())
    assert line == 3 and lines == ["    - {date: 2026-11-23, kind: coffee}\n"]


def test_move_appends_to_history_and_updates_stage(site: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content/private/opportunities.yaml"
    code, out, err = run(capsys, site, "move", "cfp", "interviewing", "--due", "2026-12-04")
    assert code == 0, err
    assert "Moved 'cfp' from applied to interviewing on 2026-11-23" in out
    new = path.read_text()
    old_lines, new_lines = OPPORTUNITIES.splitlines(), new.splitlines()
    assert new_lines == [*old_lines[:10], "  stage: interviewing", *old_lines[11:16],
                         "    - date: 2026-11-23", "      stage: interviewing",
                         old_lines[16], "  due: 2026-12-04"]


def test_move_starts_a_history(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content/private/opportunities.yaml"
    assert run(capsys, site, "move", "engineering-manager-core-platform", "interviewing",
               "--date", "2026-11-20")[0] == 0
    new_lines = path.read_text().splitlines()
    assert new_lines[:8] == [*OPPORTUNITIES.splitlines()[:4], "  stage: interviewing",
                             *OPPORTUNITIES.splitlines()[5:7], "  history:"]
    assert new_lines[8:10] == ["    - date: 2026-11-20", "      stage: interviewing"]
    assert new_lines[10:] == OPPORTUNITIES.splitlines()[7:]


def test_the_example_persona_gets_only_added_lines(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "brandgen.yaml", root / "brandgen.yaml")
    for args, rel, line in (
            (("checkin", "g-cut-oncall-toil", "6", "--confidence", "7"), "goals", ""),
            (("checkin", "g-staff-to-em/kr-acting-lead", "3", "--note", "Second report"),
             "goals", "        - {date: 2026-11-23, value: 3, note: Second report}\n"),
            (("log", "ingrid", "--kind", "call", "--note", "Philosophy: draft"), "network",
             "    - {date: 2026-11-23, kind: call, note: 'Philosophy: draft'}\n"),
            (("move", "brambleway-head", "interviewing"), "opportunities", "")):
        path = root / f"content/private/{rel}.yaml"
        before = path.read_text()
        code, _, err = run(capsys, root, *args)
        assert code == 0, err
        if args[0] == "move":  # the stage line changes, one history entry is added
            changed = [d for d in difflib.unified_diff(before.splitlines(),
                                                       path.read_text().splitlines(), n=0,
                                                       lineterm="")
                       if d[:1] in "+-" and d[:3] not in ("+++", "---")]
            assert changed == ["-  stage: applied", "+  stage: interviewing",
                               "+    - {date: 2026-11-23, stage: interviewing}"]
        else:
            _, lines = inserted(before, path.read_text())
            assert not line or lines == [line]
    assert run(capsys, root, "review")[0] == 0


def test_version_imports_nothing_of_the_pipeline() -> None:
    code = ("import sys\nfrom brandgen import cli\ntry:\n    cli.main(['--version'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('brandgen.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "brandgen.build" not in out and "brandgen.private" not in out, out


def test_help_lists_the_editing_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("checkin", "log", "move", "review"):
        assert command in out
    with pytest.raises(SystemExit):
        main(["checkin", "--help"])
    assert "--confidence" in capsys.readouterr().out


def test_a_shape_the_editor_refuses_changes_nothing(make_site: SiteMaker,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"content/private/goals.yaml": "- id: a\n  title: A goal\n  checkins: 3\n"})
    before = sha(root / "content/private/goals.yaml")
    code, _, err = run(capsys, root, "checkin", "a", "1")
    assert code == 1 and "cannot make this change safely: 'checkins' is not a list" in err
    assert sha(root / "content/private/goals.yaml") == before


def test_a_failed_write_leaves_the_file_and_no_temporary(
        site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("brandgen.private.commands.os.replace", refuse)
    before = sha(site / "content/private/goals.yaml")
    with pytest.raises(BuildError) as info:
        checkin(site, "talks", 3, dt.date(2026, 11, 23))
    assert "goals.yaml: error: cannot write the file: No space left on device" in str(info.value)
    assert sha(site / "content/private/goals.yaml") == before
    assert sorted(p.name for p in (site / "content/private").iterdir()) == [
        "goals.yaml", "network.yaml", "opportunities.yaml"]


def test_a_symlinked_file_is_edited_through_the_link(site: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "vault/goals.yaml"
    real.parent.mkdir()
    link = site / "content/private/goals.yaml"
    real.write_text(link.read_text())
    link.unlink()
    link.symlink_to(real)
    assert run(capsys, site, "checkin", "talks", "3")[0] == 0
    assert link.is_symlink() and "value: 3" in real.read_text()


def test_a_byte_order_mark_is_kept(make_site: SiteMaker, capsys: pytest.CaptureFixture[str]
                                   ) -> None:
    text = "- id: a\n  title: A goal\n  checkins:\n    - date: 2026-11-01\n      value: 1\n"
    root = make_site({"content/private/goals.yaml": b"\xef\xbb\xbf" + text.encode()})
    assert run(capsys, root, "checkin", "a", "2")[0] == 0
    assert (root / "content/private/goals.yaml").read_bytes() == (
        b"\xef\xbb\xbf" + text.encode() + b"    - date: 2026-11-23\n      value: 2\n")
