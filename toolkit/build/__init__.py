"""The build stage: ``build_release`` turns raw captures into a published release folder
(shards, dedup, split, writers, engines, publish). Kept importable as a package: the wheel and a
fresh clone need this file (``.gitignore`` once hid it with a bare ``build/`` pattern)."""
