"""Lazy package exports: a package's public names imported from their modules on first use, so
importing a package (``toolkit``, ``toolkit.build``, ...) imports no stage and no heavy library."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_getattr(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``exports[name]`` when ``name`` is
    first read (PEP 562); any other name is the usual AttributeError."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
