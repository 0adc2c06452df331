"""Error messages on stderr (issue 12, class 6): a path or value holding control or bidi
characters, or a newline followed by a workflow command, never reaches stderr raw, whether the
toolkit or click reports it; a message of several lines stays one readable line per problem."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from toolkit.cli import EscapingGroup, handle_errors, main
from toolkit.errors import ReleaseError
from toolkit.escape import CONTROL, message_lines

HOSTILE = (
    "a\x1b]8;;https://evil.example\x07b\u202etxt.\x9b31m\r::warning::x\n::error file=x::forged"
)


def _assert_safe(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines, "an error was expected on stderr"
    for line in lines:
        assert not line.lstrip().startswith("::"), line
        assert not CONTROL.search(line), line
    # Only newlines break lines: no CR, NEL or U+2028 is left to break one in a terminal or log.
    assert not re.search("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", stderr)
    return lines


def test_a_hostile_config_path_is_escaped_in_a_toolkit_error(run_dtk, tmp_path: Path) -> None:
    result = run_dtk("build", "--config", str(tmp_path / HOSTILE))
    assert result.exit_code == 2
    lines = _assert_safe(result.stderr)
    assert all(line.startswith("error: ") for line in lines)
    for shown in ("\\x1b]8;;", "\\x07", "\\u202e", "\\x9b", "\\r"):
        assert shown in result.stderr


def test_a_hostile_release_folder_is_escaped(run_dtk, tmp_path: Path) -> None:
    folder = tmp_path / "dist\u202e\x1b[2J"
    folder.mkdir()
    result = run_dtk("diff", str(folder), str(tmp_path))
    assert result.exit_code == 2
    _assert_safe(result.stderr)
    assert "\\u202e\\x1b[2J" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["\x1b[2J\u202eevil"],  # no such command
        ["validate", "--\x1b[31mcolour"],  # no such option
        ["validate", "--format", "\u202exml\x9b"],  # not a choice
        ["build", "--workers", "two\x1b[1m\n::error::forged"],  # not an integer
    ],
)
def test_clicks_own_errors_are_escaped(run_dtk, args: list[str]) -> None:
    result = run_dtk(*args)
    assert result.exit_code == 2
    _assert_safe(result.stderr)
    assert "Error:" in result.stderr


def test_a_multi_line_message_keeps_one_escaped_line_per_problem() -> None:
    @click.group(cls=EscapingGroup)
    def cli() -> None:
        pass

    @cli.command()
    @handle_errors
    def fail() -> None:
        raise ReleaseError(
            "the card's metadata is refused:\n"
            "  license \x1b[31mMIT\u202e: not a Hub license\n"
            "::error file=README.md::forged\r\n"
            "  language xx\x85::notice::y"
        )

    result = CliRunner().invoke(cli, ["fail"], catch_exceptions=False)
    assert result.exit_code == 1
    assert _assert_safe(result.stderr) == [
        "error: the card's metadata is refused:",
        "error:   license \\x1b[31mMIT\\u202e: not a Hub license",
        "error: ::error file=README.md::forged\\r",
        "error:   language xx\\x85::notice::y",
    ]


def test_message_lines_split_at_newlines_only() -> None:
    assert message_lines("one\ntwo\u2028three\rfour") == ["one", "two\\u2028three\\rfour"]


def test_the_main_group_escapes_click_errors() -> None:
    assert isinstance(main, EscapingGroup)
