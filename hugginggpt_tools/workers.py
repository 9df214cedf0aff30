"""Worker threads that never hold up the interpreter's exit.

A model call in a worker thread cannot be stopped from outside: a text-to-speech of a long
chapter runs on for minutes once its run was interrupted (Ctrl-C) or its time limit passed.
``concurrent.futures.ThreadPoolExecutor`` joins its threads when the interpreter exits, so a
Python program whose run was interrupted waited for that call to end before it could exit.
:class:`DaemonPool` runs calls in daemon threads instead: exit does not wait for them, and
:meth:`DaemonPool.shutdown` with ``cancel_futures=True`` drops the calls not started yet.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

_Work = tuple[Future, Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class DaemonPool(Executor):
    """A ``concurrent.futures`` executor of up to ``max_workers`` daemon threads, started as calls
    need them (an idle thread takes the next call first), for ``loop.run_in_executor``.

    Unlike ``ThreadPoolExecutor``, a call still running when the interpreter exits does not delay
    the exit (its thread is a daemon, and no exit handler joins it); its result is never read.
    """

    def __init__(self, max_workers: int, thread_name_prefix: str = "hugginggpt-worker") -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self._max_workers = max_workers
        self._prefix = thread_name_prefix
        self._queue: queue.SimpleQueue[_Work | None] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Queue ``fn(*args, **kwargs)``; its future. :class:`RuntimeError` after :meth:`shutdown`."""
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot run a call in a DaemonPool that was shut down")
            future: Future = Future()
            self._queue.put((future, fn, args, kwargs))
            if not self._idle.acquire(blocking=False) and len(self._threads) < self._max_workers:
                thread = threading.Thread(target=self._work, name=f"{self._prefix}_{len(self._threads)}",
                                          daemon=True)
                thread.start()
                self._threads.append(thread)
            return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Take no more calls; with ``cancel_futures``, cancel those not started; with ``wait``, wait
        for the threads to finish the calls left (without it, calls still running go on to their
        end in threads that do not hold up the interpreter's exit)."""
        with self._lock:
            self._closed = True
            while cancel_futures:
                try:
                    work = self._queue.get_nowait()
                except queue.Empty:
                    break
                if work is not None:
                    work[0].cancel()
            self._queue.put(None)  # each thread passes it on to the next, and ends
        if wait:
            for thread in list(self._threads):
                thread.join()

    def _work(self) -> None:
        while (work := self._queue.get()) is not None:
            future, fn, args, kwargs = work
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # noqa: BLE001 - the caller gets it from the future
                    future.set_exception(exc)
            del work, future, fn, args, kwargs  # not kept alive while the thread waits for the next call
            self._idle.release()
        self._queue.put(None)


class CallCounter:
    """How many calls made through :meth:`count` are running now, across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0

    def count(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``, counted in :attr:`running` while it runs."""
        with self._lock:
            self._running += 1
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self._running -= 1

    @property
    def running(self) -> int:
        with self._lock:
            return self._running


def in_daemon_thread(fn: Callable[..., Any], /, *args: Any, name: str = "hugginggpt-call") -> Future:
    """The future of ``fn(*args)`` run in a daemon thread of its own (a :class:`DaemonPool` of one), in a
    copy of the caller's context: a call that hangs never keeps the process from ending, and the
    thread ends when the call does."""
    pool = DaemonPool(1, thread_name_prefix=name)
    try:
        return pool.submit(contextvars.copy_context().run, fn, *args)
    finally:
        pool.shutdown(wait=False)


__all__ = ["CallCounter", "DaemonPool", "in_daemon_thread"]
