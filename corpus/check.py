"""Prove that every gold string of the labelled corpus really occurs in its page.

Usage: python corpus/check.py [FOLDER]   (default: corpus/pages). Exit 0 when every page checks
out, 1 otherwise; each problem is printed as `file: field: message`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KINDS = {"article", "listing", "none"}
ARTICLE_FIELDS = (
    "title",
    "section",
    "dek",
    "image_caption",
    "image_credit",
    "byline",
    "date",
    "first_body_sentence",
    "last_body_sentence",
)
TOP_FIELDS = {"url", "publisher", "language", "kind", "truncated", "articles",
              "boilerplate_lines", "metadata_lines", "notes"}


def check_page(txt: Path, gold_path: Path) -> list[str]:
    problems: list[str] = []
    try:
        text = txt.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"{txt.name}: not UTF-8: {exc}"]
    try:
        gold = json.loads(gold_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{gold_path.name}: unreadable gold: {exc}"]
    lines = {line.strip() for line in text.splitlines()}
    name = gold_path.name
    for key in ("url", "publisher", "language", "kind", "truncated", "articles",
                "boilerplate_lines", "metadata_lines"):
        if key not in gold:
            problems.append(f"{name}: {key}: missing")
    for key in set(gold) - TOP_FIELDS:
        problems.append(f"{name}: {key}: unknown field")
    if gold.get("kind") not in KINDS:
        problems.append(f"{name}: kind: {gold.get('kind')!r} is not one of {sorted(KINDS)}")
    if gold.get("kind") == "none" and gold.get("articles"):
        problems.append(f"{name}: articles: a page of kind none has no articles")
    if gold.get("kind") in ("article", "listing") and not gold.get("articles"):
        problems.append(f"{name}: articles: a page of kind {gold.get('kind')} needs articles")
    for i, article in enumerate(gold.get("articles") or []):
        for key in set(article) - set(ARTICLE_FIELDS):
            problems.append(f"{name}: articles[{i}].{key}: unknown field")
        for key in ARTICLE_FIELDS:
            value = article.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name}: articles[{i}].{key}: must be a non-empty string or null")
            elif value not in text:
                problems.append(f"{name}: articles[{i}].{key}: not in the page: {value[:80]!r}")
    for key in ("boilerplate_lines", "metadata_lines"):
        for value in gold.get(key) or []:
            if not isinstance(value, str) or value.strip() not in lines or not value.strip():
                problems.append(f"{name}: {key}: not a whole line of the page: {str(value)[:80]!r}")
    return problems


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "pages"
    problems: list[str] = []
    pages = sorted(folder.glob("*.txt"))
    for txt in pages:
        gold = txt.with_suffix(".json")
        if not gold.exists():
            problems.append(f"{txt.name}: no gold file")
            continue
        problems += check_page(txt, gold)
    for gold in sorted(folder.glob("*.json")):
        if not gold.with_suffix(".txt").exists():
            problems.append(f"{gold.name}: no page file")
    for line in problems:
        print(line)
    publishers = set()
    for g in folder.glob("*.json"):
        try:
            publishers.add(json.loads(g.read_text("utf-8")).get("publisher"))
        except ValueError:
            pass
    print(f"{len(pages)} pages, {len(publishers)} publishers, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
