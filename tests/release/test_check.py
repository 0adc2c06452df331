"""dtk check: a release that checks out, and releases tampered with in the ways users do."""

from __future__ import annotations

import pytest

from toolkit.build.release import build_release
from toolkit.release.check import check_release


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import shutil

    from tests.helpers import RAW

    root = tmp_path_factory.mktemp("rel")
    shutil.copytree(RAW, root / "raw")
    build_release(root / "raw", root / "dist")
    return root / "dist"


@pytest.fixture
def real_release(built, tmp_path):
    """A copy of the release of the committed raw/, to damage."""
    import shutil

    shutil.copytree(built, tmp_path / "dist")
    return tmp_path / "dist"


def test_a_fresh_release_checks_out(real_release, run_dtk):
    assert check_release(real_release).valid
    result = run_dtk("check", str(real_release), "--color", "never")
    assert result.exit_code == 0, result.output


def test_a_flipped_byte_in_parquet_is_caught(real_release, run_dtk):
    shard = sorted((real_release / "data").glob("*.parquet"))[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    report = check_release(real_release, load=False)
    assert "release.checksum" in {i.rule for i in report.errors}
    result = run_dtk("check", str(real_release), "--no-load", "--format", "json")
    assert result.exit_code == 1


def test_an_edited_jsonl_row_is_caught(real_release):
    path = next(p for p in sorted((real_release / "jsonl").glob("*.jsonl")) if p.stat().st_size)
    text = path.read_text(encoding="utf-8")
    assert '"language":"en"' in text
    path.write_text(text.replace('"language":"en"', '"language":"xx"', 1), encoding="utf-8")
    rules = {i.rule for i in check_release(real_release, load=False).errors}
    assert "release.checksum" in rules


def test_an_extra_file_and_a_missing_file_are_caught(real_release):
    (real_release / "data" / "evil-00000-of-00001.parquet").write_bytes(b"x")
    next((real_release / "jsonl").glob("*.jsonl")).unlink()
    rules = {i.rule for i in check_release(real_release, load=False).errors}
    assert {"release.unlisted-file", "release.missing-file"} <= rules


def test_not_a_release(tmp_path, run_dtk):
    result = run_dtk("check", str(tmp_path), "--no-load")
    assert result.exit_code == 1
    assert "is this a release folder?" in result.output
