"""The gold checker and the corpus loader: problems are issues with stable rules, and a corpus
with any problem is refused."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT
from tests.helpers.labelled_pages import ARTICLE_TEXT, article_gold, write_pair
from toolkit.errors import CorpusError, InputError
from toolkit.evaluate.corpus import check_corpus, load_corpus


def test_the_committed_corpus_checks_out():
    report = check_corpus(ROOT / "corpus" / "pages")
    assert report.valid, [i.message for i in report.errors[:5]]
    assert report.files >= 140


def test_a_valid_folder_loads_typed_pages(tiny_corpus):
    assert check_corpus(tiny_corpus).valid
    pages = load_corpus(tiny_corpus)
    assert [p.id for p in pages] == ["en-example-1", "en-shop-1"]
    article = pages[0]
    assert article.data == ARTICLE_TEXT.encode()
    assert article.text == ARTICLE_TEXT
    assert article.articles[0].title == "Big Storm Hits Coast"
    assert article.boilerplate_lines == ("Home",)
    assert pages[1].kind == "none"
    assert pages[1].articles == ()


def test_a_gold_string_not_in_the_page_is_caught(tmp_path):
    gold = article_gold()
    gold["articles"][0]["title"] = "Big Storm Hits The Coast"  # type: ignore[index]
    write_pair(tmp_path, "en-example-1", ARTICLE_TEXT, gold)
    report = check_corpus(tmp_path)
    assert [(i.file, i.pointer, i.rule) for i in report.errors] == [
        ("en-example-1.json", "/articles/0/title", "corpus.not-in-page")
    ]
    with pytest.raises(CorpusError, match="dtk evaluate --check"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("overrides", "pointer", "rule"),
    [
        ({"boilerplate_lines": ["Hom"]}, "/boilerplate_lines/0", "corpus.not-a-line"),
        ({"kind": "video"}, "/kind", "corpus.kind"),
        ({"kind": "none"}, "/articles", "corpus.articles"),
        ({"articles": []}, "/articles", "corpus.articles"),
        ({"extra": 1}, "/extra", "corpus.unknown-field"),
    ],
)
def test_each_kind_of_problem_has_its_rule(tmp_path, overrides, pointer, rule):
    write_pair(tmp_path, "en-example-1", ARTICLE_TEXT, article_gold(**overrides))
    assert [(i.pointer, i.rule) for i in check_corpus(tmp_path).errors] == [(pointer, rule)]


def test_unpaired_files_are_problems(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    rules = [i.rule for i in check_corpus(tmp_path).errors]
    assert rules == ["corpus.missing-gold", "corpus.missing-page"]


def test_a_missing_folder_cannot_be_read(tmp_path):
    with pytest.raises(InputError):
        check_corpus(tmp_path / "nowhere")
    with pytest.raises(InputError, match="no labelled pages"):
        load_corpus(tmp_path)
