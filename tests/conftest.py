"""The shared fixtures: the CLI runner, raw/ trees in tmp_path, release folders, the hostile
release, and network guards. Helpers that are plain functions live in ``tests/helpers/``."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.helpers import ARTICLE, LISTING, RAW
from tests.helpers.hostile import hostile_raw
from tests.helpers.project import Project
from tests.helpers.releases import standard_release
from toolkit.build.release import build_release
from toolkit.cli import main


@pytest.fixture
def run_dtk() -> Callable[..., Result]:
    """Invoke ``dtk`` in-process; exceptions propagate so a stray traceback fails the test."""

    def run(*args: str, **kwargs: object) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """The two seed captures of the committed raw/ tree and their manifest entries: a real,
    small raw/ to build from (the whole tree makes every build test slow)."""
    target = tmp_path / "raw"
    target.mkdir()
    seeds = (LISTING, ARTICLE)
    for name in seeds:
        shutil.copy2(RAW / name, target / name)
    entries = [
        line
        for line in (RAW / "sources.jsonl").read_text(encoding="utf-8").splitlines()
        if any(f'"path": "{name}"' in line for name in seeds)
    ]
    (target / "sources.jsonl").write_text("\n".join(entries) + "\n", encoding="utf-8")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """``tmp_path/project``: an empty ``raw/`` (the attack tests add files and manifest entries)
    with ``dist/`` beside it, built with one worker."""
    root = tmp_path / "project"
    (root / "raw").mkdir(parents=True)
    return Project(root)


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """``tmp_path/dist``: the standard hand-made release (13 records, one reject, one
    duplicate), without a card."""
    dist = tmp_path / "dist"
    standard_release(dist)
    return dist


@pytest.fixture(scope="session")
def hostile_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(raw, dist) of the hostile corpus (``tests.helpers.hostile``), built once; its card is
    ``DATASET_CARD.md`` beside dist. Tests must not change it."""
    root = tmp_path_factory.mktemp("hostile")
    raw = hostile_raw(root)
    out = root / "dist"
    build_release(raw, out, workers=1)
    return raw, out


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every outgoing connection or name lookup through Python's socket module fails the test
    (an AssertionError), and is recorded in the returned list."""
    attempts: list[object] = []

    def refuse(address: object) -> None:
        attempts.append(address)
        raise AssertionError(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", lambda self, address: refuse(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, address: refuse(address))
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: refuse((host, port)))
    return attempts


class Listener:
    """A local TCP server at ``url``; ``connections()`` says who connected to it."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        # Listening before the test starts: a connection then completes in the kernel's backlog
        # whether or not the accepting thread has run yet, so nothing here waits on a clock.
        self._server.listen()
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._accepted: list[object] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # Accept and close at once, so a client that did connect fails fast instead of waiting
        # for an answer.
        self._server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            self._accepted.append(conn.getpeername())
            conn.close()

    def connections(self) -> list[object]:
        """Peers that connected so far: those accepted, then any still in the backlog."""
        self._stop.set()
        self._thread.join()
        self._server.setblocking(False)
        while True:
            try:
                conn, peer = self._server.accept()
            except BlockingIOError:
                break
            self._accepted.append(peer)
            conn.close()
        return list(self._accepted)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A local server that remote references in a schema may point at."""
    server = Listener()
    yield server
    server.close()
