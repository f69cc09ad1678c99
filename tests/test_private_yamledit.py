"""The text-insertion engine on file shapes people write by hand: each case states the whole
expected file, so any byte changed outside the edit fails the test."""

from __future__ import annotations

import datetime as dt

import pytest

from brandgen.private.yamledit import (
    Append,
    Assign,
    EditError,
    edit_yaml,
    key_order,
    scalar_text,
)

DAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(("before", "edit", "after"), [
    # an empty flow list gets a flow item
    ("- id: a\n  checkins: []  # none yet\n",
     Append((0,), "checkins", {"date": DAY, "value": 1}),
     "- id: a\n  checkins: [{date: 2026-11-23, value: 1}]  # none yet\n"),
    # `key:` with nothing after it
    ("- id: a\n  checkins:\n\n- id: b\n",
     Append((0,), "checkins", {"date": DAY, "value": 1}),
     "- id: a\n  checkins:\n    - date: 2026-11-23\n      value: 1\n\n- id: b\n"),
    # an explicit null
    ("- id: a\n  checkins: ~\n",
     Append((0,), "checkins", {"date": DAY, "value": 1}),
     "- id: a\n  checkins:\n    - date: 2026-11-23\n      value: 1\n"),
    # a flow mapping without the key
    ("- {id: a, title: A}   # flow\n",
     Append((0,), "log", {"date": DAY, "kind": "call"}),
     "- {id: a, title: A, log: [{date: 2026-11-23, kind: call}]}   # flow\n"),
    # a new list copies the `- ` offset and item indentation of a sibling list
    ("- id: a\n  milestones:\n  -   title: M\n      due: 2026-12-01\n",
     Append((0,), "checkins", {"date": DAY, "value": 2}),
     "- id: a\n  milestones:\n  -   title: M\n      due: 2026-12-01\n"
     "  checkins:\n  -   date: 2026-11-23\n      value: 2\n"),
    # at the front: before the comment that belongs to the first item
    ("log:\n  # first call\n  - date: 2026-11-01\n",
     Append((), "log", {"date": dt.date(2026, 10, 1)}, index=0),
     "log:\n  - date: 2026-10-01\n  # first call\n  - date: 2026-11-01\n"),
    # key order follows the neighbour's, new keys after it
    ("- id: a\n  checkins:\n    - value: 1\n      date: 2026-11-01\n",
     Append((0,), "checkins", {"date": DAY, "value": 2, "note": "x"}),
     "- id: a\n  checkins:\n    - value: 1\n      date: 2026-11-01\n"
     "    - value: 2\n      date: 2026-11-23\n      note: x\n"),
    # a neighbour that quotes its dates
    ("- id: a\n  checkins:\n    - date: '2026-11-01'\n      value: 1\n",
     Append((0,), "checkins", {"date": DAY, "value": 2}),
     "- id: a\n  checkins:\n    - date: '2026-11-01'\n      value: 1\n"
     "    - date: '2026-11-23'\n      value: 2\n"),
    # a folded block scalar as the last value: the new key goes after its text
    ("- id: a\n  why: >-\n    long\n    text\n\n# next\n- id: b\n",
     Assign((0,), "stage", "offer"),
     "- id: a\n  why: >-\n    long\n    text\n  stage: offer\n\n# next\n- id: b\n"),
    # replacing a value keeps its quotes and the comment after it
    ('- stage: "applied"  # since May\n  due: 2026-11-01\n',
     Assign((0,), "stage", "offer"),
     '- stage: "offer"  # since May\n  due: 2026-11-01\n'),
    ("- {stage: applied, due: 2026-11-01}\n", Assign((0,), "due", DAY),
     "- {stage: applied, due: 2026-11-23}\n"),
    ("- stage:\n", Assign((0,), "stage", "offer"), "- stage: offer\n"),
])
def test_edits_touch_only_their_place(before: str, edit: Append | Assign, after: str) -> None:
    assert edit_yaml(before, [edit]) == after


@pytest.mark.parametrize(("value", "flow", "text"), [
    ("plain words", False, "plain words"),
    ("a: b", False, "'a: b'"),
    ("a, b", True, "'a, b'"),
    ("12", False, "'12'"),
    ("yes", False, "'yes'"),
    ("# not a comment", False, "'# not a comment'"),
    ("two\nlines", False, '"two\\nlines"'),
    ("Zoë’s talk", False, "Zoë’s talk"),
])
def test_scalars_are_written_by_the_emitter(value: str, flow: bool, text: str) -> None:
    assert scalar_text(value, None, flow) == text


@pytest.mark.parametrize(("keys", "seen", "order"), [
    (["date", "value", "confidence", "note"], ["date", "value", "note"],
     ["date", "value", "confidence", "note"]),
    (["date", "value", "confidence"], ["value", "date"], ["value", "date", "confidence"]),
    (["date", "kind", "note"], ["note", "date"], ["note", "date", "kind"]),
    (["date", "value"], [], ["date", "value"]),
])
def test_new_keys_follow_the_neighbours_order(keys: list[str], seen: list[str],
                                              order: list[str]) -> None:
    assert key_order(keys, seen) == order


def test_a_multi_line_note_stays_on_one_line_and_reads_back() -> None:
    before = "- id: a\n  checkins:\n    - date: 2026-11-01\n      value: 1\n      note: 'x'\n"
    after = edit_yaml(before, [Append((0,), "checkins", {"date": DAY, "value": 2,
                                                          "note": "it's\nfine"})])
    assert after == before + '    - date: 2026-11-23\n      value: 2\n      note: "it\'s\\nfine"\n'


@pytest.mark.parametrize(("before", "edit"), [
    ("- id: a\n", Append((3,), "checkins", {"date": DAY})),
    ("- id: a\n  checkins: 3\n", Append((0,), "checkins", {"date": DAY})),
    ("- id: a\n  stage: [a, b]\n", Assign((0,), "stage", "offer")),
    ("[1, 2]\n", Assign((0,), "stage", "offer")),
    ("", Assign((), "stage", "offer")),
])
def test_shapes_it_cannot_edit_raise(before: str, edit: Append | Assign) -> None:
    with pytest.raises(EditError):
        edit_yaml(before, [edit])
