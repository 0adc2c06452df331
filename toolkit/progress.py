"""Progress of a long run, one display per stage (extract, validate, dedup, write, card).

Three renderers behind one small contract: on a terminal, a ``rich`` live display per stage
with the count, the rate and the time left; elsewhere (CI logs, pipes) a plain line at most
every few seconds, and nothing at all for a stage that ends before the first line is due; with
``--quiet``, nothing. The library reports to a :class:`Progress`; only ``cli.py`` chooses which.
Stage notes come from the data (a file name) and go through ``escape.one_line``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from toolkit.escape import one_line


class Stage:
    """One stage's counter; ``advance`` after each unit of work. This base does nothing."""

    def advance(self, amount: int = 1, note: str | None = None) -> None:
        """Count ``amount`` more units done; ``note`` is a short status (``"1,204 records"``)."""


class Progress:
    """Reports nothing: the quiet renderer, and the contract the others follow."""

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "records") -> Iterator[Stage]:
        """A display for one stage of ``total`` units (None when not known in advance)."""
        yield Stage()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _LineStage(Stage):
    def __init__(self, progress: LineProgress, name: str, total: int | None, unit: str) -> None:
        self.progress, self.name, self.total, self.unit = progress, name, total, unit
        self.done, self.note = 0, ""
        self.start = self.last = progress.clock()
        self.printed = False

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        text = f"{self.name}: {self.done:,}"
        if self.total:
            text += f"/{self.total:,} {self.unit} ({100 * self.done / self.total:.0f}%)"
        else:
            text += f" {self.unit}"
        text += f", {rate:,.1f} {self.unit}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", ETA {_clock((self.total - self.done) / rate)}"
        if self.note:
            text += f"; {one_line(self.note)}"
        return text

    def advance(self, amount: int = 1, note: str | None = None) -> None:
        self.done += amount
        if note is not None:
            self.note = note
        now = self.progress.clock()
        if now - self.last >= self.progress.interval:
            self.last = now
            self.printed = True
            self.progress.write(self.line(now))


class LineProgress(Progress):
    """Plain lines for logs: one every ``interval`` seconds while a stage runs, and a last line
    for a stage that printed any (a quick stage prints nothing)."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.clock = clock

    def write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "records") -> Iterator[Stage]:
        handle = _LineStage(self, name, total, unit)
        yield handle
        if handle.printed:
            now = self.clock()
            self.write(f"{handle.line(now)}; done in {_clock(now - handle.start)}")


class _RichStage(Stage):
    def __init__(self, bar: Any, task: Any) -> None:
        self.bar, self.task = bar, task

    def advance(self, amount: int = 1, note: str | None = None) -> None:
        fields = {"note": one_line(note)} if note is not None else {}
        self.bar.update(self.task, advance=amount, **fields)


def _rate_column(unit: str) -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Units per second, once there is a rate to show."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.1f} {unit}/s")

    return RateColumn()


class RichProgress(Progress):
    """A ``rich`` live display per stage: bar, count, rate, elapsed time and time left."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr)

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "records") -> Iterator[Stage]:
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        columns = [
            SpinnerColumn(finished_text="✓"),
            TextColumn(f"{escape(name):<8}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn(escape(unit)),
            TaskProgressColumn(),
            _rate_column(unit),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[note]}", markup=False),
        ]
        with Bar(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(name, total=total, note="")
            yield _RichStage(bar, task)
            if total is None:
                bar.update(task, total=bar.tasks[0].completed)


def make_progress(*, quiet: bool = False, stream: TextIO | None = None) -> Progress:
    """The renderer for ``stream`` (default stderr): none when ``quiet``, ``rich`` on a terminal
    (when installed), plain periodic lines otherwise."""
    stream = stream or sys.stderr
    if quiet:
        return Progress()
    if hasattr(stream, "isatty") and stream.isatty():
        try:
            return RichProgress(stream)
        except ImportError:
            pass
    return LineProgress(stream)
