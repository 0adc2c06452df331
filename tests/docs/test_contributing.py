"""CONTRIBUTING.md shows real ``dtk`` output: each ``console`` block starting with ``$ dtk`` is
run in a folder holding the files the guide shows (``<!-- file: PATH -->`` before a fenced
block), and must print exactly what the guide pastes. After changing messages, regenerate the
blocks with ``python -m tests.docs.test_contributing`` and review the diff."""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```[a-z]*\n(?P<body>.*?)```\n", re.S)
CONSOLE_BLOCK = re.compile(r"```console\n\$ (?P<command>dtk [^\n]*)\n(?P<output>.*?)```\n", re.S)


def guide_files(text: str) -> dict[str, str]:
    return {m["path"]: m["body"] for m in FILE_BLOCK.finditer(text)}


def run_in(folder: Path, files: dict[str, str], command: str, run: Callable[..., Result]) -> Result:
    for path, body in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return run(*shlex.split(command)[1:])


def test_guide_has_examples() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert len(guide_files(text)) >= 2
    assert len(CONSOLE_BLOCK.findall(text)) >= 2


@pytest.mark.parametrize("index", range(len(CONSOLE_BLOCK.findall(GUIDE.read_text("utf-8")))))
def test_pasted_output_matches_the_command(
    index: int, tmp_path: Path, run_dtk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    block = list(CONSOLE_BLOCK.finditer(text))[index]
    monkeypatch.chdir(tmp_path)
    result = run_in(tmp_path, guide_files(text), block["command"], run_dtk)
    assert result.output == block["output"], (
        f"CONTRIBUTING.md: `{block['command']}` prints something else now; "
        "run `python -m tests.docs.test_contributing` to update the guide"
    )


def update_guide() -> None:
    """Rewrite every console block of the guide with what its command prints now."""
    import os
    import tempfile

    from toolkit.cli import main

    text = GUIDE.read_text(encoding="utf-8")
    files = guide_files(text)

    def replace(match: re.Match[str]) -> str:
        with tempfile.TemporaryDirectory() as folder:
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                result = run_in(
                    Path(folder),
                    files,
                    match["command"],
                    lambda *a: CliRunner().invoke(main, list(a)),
                )
            finally:
                os.chdir(cwd)
        return f"```console\n$ {match['command']}\n{result.output}```\n"

    GUIDE.write_text(CONSOLE_BLOCK.sub(replace, text), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(update_guide())
