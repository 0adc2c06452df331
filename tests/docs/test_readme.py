"""Every command is documented: help text with an example, and a row in README.md."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT
from toolkit.cli import main

COMMANDS = sorted(main.commands)


def test_there_are_commands():
    assert {"validate", "build", "check", "card", "extract", "diff"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_an_example(run_dtk, name):
    result = run_dtk(name, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"dtk {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `dtk {name}\b", readme, re.MULTILINE), f"dtk {name} missing from README"


def test_readme_gives_the_ci_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    assert len(commands) >= 2
    assert commands[1] in ci
    assert commands[0].endswith("dtk build")


def test_every_rule_code_in_the_catalogue_is_documented():
    from toolkit.issues import RULES

    assert all(description.strip() for description in RULES.values())


def test_public_api_is_exported_and_documented():
    import toolkit

    for name in toolkit.__all__:
        value = getattr(toolkit, name)
        if callable(value) and not isinstance(value, type):
            assert value.__doc__, f"toolkit.{name} has no docstring"
