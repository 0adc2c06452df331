"""Prove that every gold string of the labelled corpus really occurs in its page.

Usage: python corpus/check.py [FOLDER]   (default: corpus/pages). The same check as
``dtk evaluate --check [FOLDER]``, whose logic lives in ``toolkit/evaluate/corpus.py``. Exit 0
when every page checks out, 1 otherwise; each problem is printed as `file: pointer: message`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script from a checkout, so the checkout's toolkit must win over an installed one.
sys.path.insert(0, str(ROOT))

from toolkit.evaluate.corpus import check_corpus  # noqa: E402


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT / "corpus" / "pages"
    report = check_corpus(folder)
    for issue in report.issues:
        print(f"{issue.file}: {issue.pointer or '/'}: {issue.message}")
    print(f"{report.files} pages, {len(report.issues)} problems")
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
