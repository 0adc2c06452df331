"""``dtk card``: regenerates README.md, croissant.json, the chart and DATASET_CARD.md of a release,
keeps the maintainers' prose, and reports metadata the Hub would not accept."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ROOT
from tests.helpers.releases import standard_release
from toolkit.card.render import CHART_PATH


def test_card_writes_every_file_and_reports_them(run_dtk, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    standard_release(dist)
    result = run_dtk("card", str(dist), "--root", str(ROOT))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote {dist}/README.md\nwrote {dist}/croissant.json\nwrote {dist}/{CHART_PATH}\n"
        f"wrote {tmp_path}/DATASET_CARD.md\n"
    )
    assert (tmp_path / "DATASET_CARD.md").read_bytes() == (dist / "README.md").read_bytes()


def test_card_twice_changes_nothing(run_dtk, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    standard_release(dist)
    assert run_dtk("card", str(dist), "--root", str(ROOT)).exit_code == 0
    paths = [
        dist / "README.md",
        dist / "croissant.json",
        dist / CHART_PATH,
        tmp_path / "DATASET_CARD.md",
    ]
    before = [p.read_bytes() for p in paths]
    assert run_dtk("card", str(dist), "--root", str(ROOT)).exit_code == 0
    assert [p.read_bytes() for p in paths] == before


def test_card_exits_1_on_a_license_the_hub_does_not_accept(run_dtk, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    standard_release(dist, config={"license": "my-own-license"})
    result = run_dtk("card", str(dist), "--root", str(ROOT))
    assert result.exit_code == 1
    assert (
        "error: card metadata: license: 'my-own-license' is not a value the Hub accepts "
        "(see toolkit/hub/licenses.txt)\n"
    ) in result.stderr


def test_card_without_a_release_exits_1_with_advice(run_dtk, tmp_path: Path) -> None:
    result = run_dtk("card", str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot read ")
    assert "build the release first with dtk build" in result.stderr


def test_card_help_has_an_example(run_dtk) -> None:
    result = run_dtk("card", "--help")
    assert result.exit_code == 0
    assert "  Example:\n      dtk card\n" in result.output
