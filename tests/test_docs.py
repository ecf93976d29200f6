"""README.md stays true: every command and option is documented, the Quick
start holds exactly the two commands, and the commands it names exist."""

from __future__ import annotations

import argparse
import re

from conftest import ROOT
from packtan.cli import _parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands():
    parser = _parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def test_every_command_and_option_is_documented():
    missing = []
    for name, sub in _subcommands().items():
        if f"build.py {name}" not in README:
            missing.append(f"command {name}")
        for action in sub._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help" and opt not in README:
                    missing.append(f"{name} {opt}")
    assert not missing, missing


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh)?\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    assert commands == ["make build", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_dist_file_is_documented(built):
    for path in built.iterdir():
        name = path.name if path.is_file() else f"{path.name}/"
        assert (name in README) or (path.is_dir() and f"`{path.name}/" in README), f"dist/{name} is not described"
