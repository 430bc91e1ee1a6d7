"""The README's first lines are what a newcomer types: CI runs the same test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_independent("the README's text")

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_starts_with_an_install_and_a_test_command_in_a_venv():
    install, test = readme_commands()
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install . &&")
    assert install.endswith(".venv/bin/srm demo")
    assert test.endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command_as_written():
    _, test = readme_commands()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test in ci_lines
