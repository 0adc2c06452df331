"""atheris entry point: ``python fuzz/harness.py TARGET [libFuzzer options] [CORPUS_DIR...]``.

The toolkit (and warcio) is instrumented for coverage; any exception escaping a target in
``fuzz/targets.py`` is a crash, written by libFuzzer to ``-artifact_prefix``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["toolkit", "warcio"]):
    import toolkit.extract  # noqa: F401
    import toolkit.raw  # noqa: F401
    import toolkit.validate.paths  # noqa: F401

import targets  # noqa: E402


def main() -> None:
    name = sys.argv.pop(1)
    target = targets.TARGETS[name]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
