"""``dtk evaluate``: exit codes, exact output, and the JSON report equal to the API's."""

from __future__ import annotations

import json

import pytest

from tests.helpers.labelled_pages import ARTICLE_TEXT, article_gold, write_pair
from toolkit import evaluate
from toolkit.evaluate import ExtractorSpec, evaluate_pages, load_corpus


def perfect(train):
    """An extractor that returns the gold story of the tiny corpus's article page."""

    def extract(page):
        if page.kind == "none":
            return []
        return [{"title": "Big Storm Hits Coast", "body": "The storm arrived at dawn. It left."}]

    return extract


@pytest.fixture
def stub_text(monkeypatch):
    """``--extractor model`` (the default) runs the stub: the output does not depend on a
    trained model."""

    monkeypatch.setitem(evaluate.EXTRACTORS, "model", ExtractorSpec(perfect, False, "stub"))


EXPECTED_TEXT = """\
model: no training (every page scored by the same extractor)
  group         pages  gold titles  records  title R  title P  1st sent. (matched)  \
1st sent. (all)  last sent. (matched)  last sent. (all)  boilerplate leak  metadata leak  \
none pages w/ records
  overall           2            1        1    1.000    1.000                1.000  \
          1.000                 1.000             1.000             0.000          0.000  \
                  0/1
  kind=article      1            1        1    1.000    1.000                1.000  \
          1.000                 1.000             1.000             0.000          0.000  \
                  0/0
  kind=none         1            0        0        –        –                    –  \
              –                     –                 –             0.000              –  \
                  0/1
  language=en       2            1        1    1.000    1.000                1.000  \
          1.000                 1.000             1.000             0.000          0.000  \
                  0/1
"""


def test_text_report(run_dtk, tiny_corpus, stub_text):
    result = run_dtk("evaluate", str(tiny_corpus))
    assert result.exit_code == 0
    assert result.output == EXPECTED_TEXT


def test_json_report_is_the_api_report(run_dtk, tiny_corpus, stub_text):
    result = run_dtk("evaluate", str(tiny_corpus), "--format", "json")
    assert result.exit_code == 0
    expected = evaluate_pages(load_corpus(tiny_corpus), "model").to_dict()
    assert json.loads(result.output) == {"reports": [expected]}


def test_trained_extractors_are_cross_validated(run_dtk, tiny_corpus, monkeypatch):
    monkeypatch.setitem(evaluate.EXTRACTORS, "model", ExtractorSpec(perfect, True, "stub"))
    result = run_dtk("evaluate", str(tiny_corpus), "--folds", "2", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)["reports"][0]
    assert report["folds"] == 2
    assert sorted(p["fold"] for p in report["pages"]) == [0, 1]
    assert report["groups"]["overall"]["scores"]["title_recall"] == 1.0


def test_markdown_report_to_a_file_names_its_command(run_dtk, tiny_corpus, stub_text, tmp_path):
    out = tmp_path / "bench.md"
    result = run_dtk("evaluate", str(tiny_corpus), "--format", "markdown", "--out", str(out))
    assert result.exit_code == 0
    assert result.output == f"wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Extraction benchmark\n")
    assert "| `model` | no training" in text


def test_check_passes_on_valid_gold(run_dtk, tiny_corpus):
    result = run_dtk("evaluate", str(tiny_corpus), "--check")
    assert result.exit_code == 0
    assert result.output.endswith(
        "valid: 2 files, 2 records checked, 2 valid, 0 invalid, 0 errors, 0 warnings\n"
    )


@pytest.mark.parametrize("args", [("--check",), ()])
def test_bad_gold_exits_1(run_dtk, tmp_path, args):
    gold = article_gold(boilerplate_lines=["Homepage"])
    write_pair(tmp_path, "en-example-1", ARTICLE_TEXT, gold)
    result = run_dtk("evaluate", str(tmp_path), *args)
    assert result.exit_code == 1
    assert "not a whole line of the page: 'Homepage'" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("{missing}",),
        ("{missing}", "--check"),
        ("{corpus}", "--extractor", "nope"),
        ("{corpus}", "--folds", "1"),
    ],
)
def test_usage_errors_and_unreadable_folders_exit_2(run_dtk, tiny_corpus, tmp_path, args):
    values = {"missing": tmp_path / "missing", "corpus": tiny_corpus}
    result = run_dtk("evaluate", *(a.format(**values) for a in args))
    assert result.exit_code == 2
