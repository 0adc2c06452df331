"""Validation: submissions and manifests checked against their schema, every problem reported
with its place (``validate_paths``), the one record check the build and ``dtk check`` share, the
messages written for people, and the reporters that print them."""

from __future__ import annotations

from toolkit.validate.paths import validate_paths

__all__ = ["validate_paths"]
