"""ruff and mypy are part of the test run: main stays lint-clean and fully typed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.tools import venv_tool


@pytest.mark.parametrize("command", [
    ["ruff", "check", "brandgen", "tests", "benchmarks"],
    [sys.executable, "-m", "mypy", "brandgen"],
], ids=["ruff", "mypy"])
def test_tool_is_clean(command: list[str]) -> None:
    if command[0] == "ruff":
        command = [venv_tool("ruff"), *command[1:]]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
