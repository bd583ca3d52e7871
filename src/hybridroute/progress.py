"""A dependency-free progress bar for long jobs (training, routing, backtests)."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]

#: Jobs with fewer items show no items-per-second rate (it means nothing for 2 steps).
_SHOW_RATE_ABOVE = 20


class Progress:
    """Shows ``label [#####.....] done/total  rate/s  eta`` on a stream.

    On a terminal the line redraws in place; elsewhere (CI logs, files) it prints
    a line at most every ``min_interval`` seconds and at the end, so logs stay short.

    Parameters
    ----------
    total : int
        How many items the job has.
    label : str
        What is being done.
    stream : text stream, optional
        Where to draw; standard error by default.
    enabled : bool
        False silences it (for ``--quiet`` and library use).
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        min_interval: float = 0.2,
    ) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self._start = time.perf_counter()
        self._last = 0.0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.min_interval = min_interval if self._tty else max(min_interval, 5.0)

    def advance(self, n: int = 1) -> None:
        """Record ``n`` more items done and redraw if it is time."""
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        now = time.perf_counter()
        if now - self._last >= self.min_interval or self.done == self.total:
            self._last = now
            self._draw(final=False)

    def _draw(self, *, final: bool) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        width = 24
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(frac * width) + "." * (width - int(frac * width))
        eta = (self.total - self.done) / rate if rate > 0 and not final else 0.0
        tail = f"{elapsed:.1f}s" if final else f"eta {eta:.0f}s"
        speed = f"  {rate:,.0f}/s" if self.total > _SHOW_RATE_ABOVE else ""
        line = f"{self.label} [{bar}] {self.done}/{self.total}{speed}  {tail}"
        if self._tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        elif final or self.done < self.total:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final line."""
        self._draw(final=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
