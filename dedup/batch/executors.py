"""Where the stages of a sharded corpus run: this process, N local processes, or a Ray cluster.

Every executor has one operation, :meth:`Executor.map`: call a stage function on each item and
yield the results *in the order of the items*, whatever order they finished in. The stage
functions (:mod:`dedup.batch.stages`) are pure over their shard, so the same items give the same
results on any executor, and the driver that consumes them in order decides the same things:
the output never depends on the number of workers or machines.

A :class:`~dedup.errors.DedupError` raised in a worker (a bad record, an unreadable shard)
comes back as a value and is raised again in the driver as the same class with the same
message, so the CLI reports it in one line with its exit code, whichever executor ran it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from dedup.batch import workers
from dedup.batch.rayguards import (
    LOOPBACK,
    SIGNALS,
    WAIT_SLICE,
    bound_joining,
    check_reachable,
    loopback_only,
    one_line,
    start_reaper,
    termination_outside_ray,
)
from dedup.errors import RAY_INSTALL, DedupError, EngineError, MissingExtra

Item = TypeVar("Item")
Handle = TypeVar("Handle")
Out = TypeVar("Out")

EngineName = Literal["local", "ray"]
ENGINES: tuple[EngineName, ...] = ("local", "ray")

MAX_RETRIES = 3
"""How often a stage whose worker process died runs again (Ray's own default, made explicit).

Ray counts per task; the local pool, which breaks as a whole when one worker dies, counts
restarts per run. A stage is pure over its shard and writes its output shard atomically, so
running it again gives the same result and never a mixed file.
"""

LOCAL_RAY_OBJECT_STORE = 300 * 2**20
"""The object store of a Ray started by dedup itself: bounded, so a laptop run does not reserve
30% of the memory as Ray's default would. A shard's results pass through it once."""


WINDOW_PER_WORKER = 2
"""Items submitted ahead of the one the driver waits for, per worker.

Enough to keep every worker busy while the driver consumes results in order; bounded so the
driver never holds the results of the whole corpus at once (memory per shard, not per corpus).
"""


class WorkerLost(DedupError):
    """Local workers kept dying (exit 2): the pool was restarted :data:`MAX_RETRIES` times."""


@dataclass(frozen=True)
class Engine:
    """How to run the stages: ``local`` with ``jobs`` processes (0: one per core), or ``ray``.

    ``address`` is the Ray cluster to join (``None``: ``RAY_ADDRESS``, or a local Ray started
    for this run). ``jobs`` bounds a local Ray's CPUs; a cluster uses what it has. Built
    from a :class:`~dedup.batch.job.Job`'s ``engine``, ``jobs`` and ``ray_address``.
    """

    name: EngineName = "local"
    jobs: int = 1
    address: str | None = None


class Executor(Protocol):
    """Runs a stage function over items, yielding results in item order."""

    def map(self, stage: Callable[[Item], Out], items: Iterable[Item]) -> Iterator[Out]:
        """Yield ``stage(item)`` for each item, in order."""


@dataclass(frozen=True)
class _Raised:
    """A :class:`DedupError` from a worker, carried back as a value (tracebacks stay there)."""

    kind: type[DedupError]
    message: str


def _guarded(stage: Callable[[Item], Out], item: Item) -> Out | _Raised:
    try:
        return stage(item)
    except DedupError as error:
        return _Raised(type(error), str(error))
    except workers.Stopped as stopped:
        # SIGTERM in a local worker: the stage has unwound (its temporary is gone); end the
        # process here, or the pool would send the exception back and take the next item.
        os._exit(stopped.code if isinstance(stopped.code, int) else 1)


def _unwrap(result: Out | _Raised) -> Out:
    if isinstance(result, _Raised):
        raise result.kind(result.message)
    return result


class InProcess:
    """Runs every stage here, one item after the other: ``--jobs 1``."""

    def map(self, stage: Callable[[Item], Out], items: Iterable[Item]) -> Iterator[Out]:
        """Yield ``stage(item)`` for each item, in order."""
        for item in items:
            yield stage(item)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class LocalProcesses:
    """Runs stages on ``jobs`` local processes started with ``forkserver`` (``spawn`` elsewhere).

    Not ``fork``: the driver may hold threads (the matcher's look-ahead, rich's progress
    refresh), and forking a threaded process can deadlock. The pool lives until :meth:`close`.
    A worker that dies mid-stage (the out-of-memory killer) breaks the whole pool; as Ray
    does, the pool is started again and the unfinished items run again, at most
    :data:`MAX_RETRIES` times in a run. The workers stop with their driver however it ends
    (:mod:`dedup.batch.workers`).
    """

    def __init__(self, jobs: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if "forkserver" in methods:
            # Workers fork from a server that has imported the stages once, instead of each
            # paying the imports (~0.2 s) again.
            self._context.set_forkserver_preload(["dedup.batch.stages"])
        self.jobs = jobs or os.cpu_count() or 1
        self.restarts = 0
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=self._context,
            initializer=workers.start,
            initargs=(os.getpid(),),
        )

    def map(self, stage: Callable[[Item], Out], items: Iterable[Item]) -> Iterator[Out]:
        """Yield ``stage(item)`` for each item, in order, computed on the pool."""
        # What is still pending when the caller stops early is cancelled by close(), in the
        # pool's own thread: cancelling here races with a pool that breaks at the same time
        # (Python 3.11 then prints InvalidStateError from that thread).
        pending: deque[_Attempt[Item]] = deque()
        window = WINDOW_PER_WORKER * self.jobs
        for item in items:
            pending.append(_Attempt(item, self._pool.submit(_guarded, stage, item)))
            if len(pending) >= window:
                yield self._take(stage, pending)
        while pending:
            yield self._take(stage, pending)

    def _take(self, stage: Callable[[Item], Out], pending: deque[_Attempt[Item]]) -> Out:
        """The first pending result; if a worker died, restart the pool and run again."""
        while True:
            try:
                result: Out | _Raised = pending[0].future.result()
            except BrokenProcessPool:
                self._restart()
                for attempt in pending:
                    if attempt.broken():
                        attempt.future = self._pool.submit(_guarded, stage, attempt.item)
                continue
            pending.popleft()
            return _unwrap(result)

    def _restart(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.restarts += 1
        if self.restarts > MAX_RETRIES:
            raise WorkerLost(
                f"--jobs: a worker process died {self.restarts} times (killed, most often by "
                "the out-of-memory killer); try fewer --jobs or smaller shards"
            )
        self._pool = self._start()

    def close(self, *, abandon: bool = False) -> None:
        """Stop the worker processes: after their current items, or at once when abandoning.

        Abandoning (Ctrl-C, SIGTERM) sends each worker SIGTERM, which unwinds its stage and
        removes its temporary; one that does not end within :data:`workers.GRACE` is killed.
        """
        if abandon:
            _stop_workers(self._pool)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> LocalProcesses:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(abandon=kind is not None and not issubclass(kind, Exception))


@dataclass
class _Attempt(Generic[Item]):
    """An item on its way through the pool; its future is replaced when it runs again."""

    item: Item
    future: Future[Any]

    def broken(self) -> bool:
        return self.future.done() and isinstance(self.future.exception(), BrokenProcessPool)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    # Python 3.14 has pool.terminate_workers(); before it, the pool's own table of processes
    # (private, but stable since 3.2) is the only way to reach them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + workers.GRACE
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


class RayTasks:
    """Runs each stage call as a Ray task; Ray retries a task whose worker died.

    Joins the cluster at ``address`` (or ``RAY_ADDRESS``), or starts a local Ray with at most
    ``jobs`` CPUs (0: all) when there is none, and stops only a Ray it started itself. An
    already initialised Ray (a test's simulated cluster, a notebook) is used as it is. A
    local Ray listens on loopback only (:func:`dedup.batch.rayguards.loopback_only`) and is killed
    by a watcher process if this one dies without stopping it (:func:`dedup.batch.workers.reap`).
    """

    def __init__(self, engine: Engine) -> None:
        address = engine.address or os.environ.get("RAY_ADDRESS") or None
        if address is not None:
            bound_joining()  # before Ray is imported: it reads these once
        ray = _import_ray()
        self._ray = ray
        self._started = False
        self._reaper: subprocess.Popen[bytes] | None = None
        if ray.is_initialized():
            return
        local: dict[str, Any] = {}
        if address is None:
            # "local": a Ray of our own, never one some other program left running here.
            address = "local"
            local = {
                "num_cpus": engine.jobs or None,
                "object_store_memory": LOCAL_RAY_OBJECT_STORE,
                "_node_ip_address": LOOPBACK,
            }
        else:
            check_reachable(address)
        if local:  # watched from outside, so that even a SIGKILL here does not leave it
            self._reaper = start_reaper()
        # Ray installs its own SIGTERM handler (sys.exit(15), then a C++ crash banner while
        # it dies); ours unwinds the run and stops Ray on the way out, with 143.
        handlers = {number: signal.getsignal(number) for number in SIGNALS}
        terminated = False
        try:
            with loopback_only(ray) if local else contextlib.nullcontext():
                ray.init(
                    address=address,
                    include_dashboard=False,
                    log_to_driver=False,  # worker output must never reach our stdout
                    logging_level="ERROR",
                    configure_logging=True,
                    **local,
                )
        except SystemExit as stop:
            if stop.code != signal.SIGTERM:
                raise
            terminated = True  # Ray's handler, installed while connecting, took a SIGTERM
        except Exception as error:  # Ray raises many kinds; each is one line for a user
            self.close()
            raise EngineError(
                f"--engine ray: cannot start or join Ray: {one_line(error)}"
            ) from error
        finally:
            for number, handler in handlers.items():
                if handler is not None:
                    signal.signal(number, handler)
        self._started = True
        if terminated:  # to the handler this process had before Ray (the CLI's: exit 143)
            self.close()
            os.kill(os.getpid(), signal.SIGTERM)
            raise EngineError("--engine ray: terminated while starting or joining Ray")
        if local:
            self._guard_local()

    def _guard_local(self) -> None:
        """Refuse a local Ray that would listen beyond loopback."""
        where = self._ray.util.get_node_ip_address()
        if where != LOOPBACK:
            self.close()
            raise EngineError(
                f"--engine ray: the local Ray would listen on {where}, not only on {LOOPBACK}; "
                "to use a cluster, give --ray-address"
            )

    def map(self, stage: Callable[[Item], Out], items: Iterable[Item]) -> Iterator[Out]:
        """Yield ``stage(item)`` for each item, in order, each computed as a Ray task.

        Tasks still running when the caller stops early are left to finish, not cancelled:
        they are pure and write atomically, and cancelling a task that was completing at that
        moment crashed Ray 2.60's core worker in our tests.
        """
        # SPREAD: shards go to every node from the start (each reads its share of the input),
        # rather than filling the driver's node first as Ray's default placement does.
        task = self._ray.remote(_guarded).options(
            max_retries=MAX_RETRIES, num_cpus=1, scheduling_strategy="SPREAD"
        )
        cpus = max(1, int(self._ray.cluster_resources().get("CPU", 1)))
        return _windowed(
            lambda item: task.remote(stage, item),
            self._get,
            items,
            window=WINDOW_PER_WORKER * cpus,
        )

    def _get(self, reference: Any) -> Any:  # noqa: ANN401 (a Ray object reference and its value)
        """A task's result; an exception that is not dedup's comes back as one line.

        A task that raised is ``RayTaskError``, whose message is the remote traceback in
        colour (25 lines for one ``ValueError``); the exception itself is raised instead, so
        the CLI reports it as it would from one process. Ray's own failures (a worker that
        died more than :data:`MAX_RETRIES` times, a lost object) become an :class:`EngineError`.
        """
        ray = self._ray
        try:
            with termination_outside_ray() as terminated:
                while not terminated and not ray.wait([reference], timeout=WAIT_SLICE)[0]:
                    pass
            return _unwrap(ray.get(reference))
        except ray.exceptions.RayTaskError as error:
            cause = error.cause
            if isinstance(cause, BaseException) and not isinstance(cause, ray.exceptions.RayError):
                raise cause.with_traceback(None) from None
            raise EngineError(f"--engine ray: a stage failed: {one_line(error)}") from None
        except ray.exceptions.RayError as error:
            raise EngineError(f"--engine ray: {one_line(error)}") from None

    def close(self) -> None:
        """Stop the Ray this executor started (or disconnect from the cluster it joined)."""
        if self._started:
            self._started = False
            self._ray.shutdown()
        if self._reaper is not None:
            self._reaper.terminate()
            self._reaper.wait()
            self._reaper = None

    def __enter__(self) -> RayTasks:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ClosableExecutor(Executor, Protocol):
    """An executor that holds processes or a cluster connection until closed.

    Used as a context manager: leaving it releases the workers on every exit path, and at
    once (without waiting for the items under way) on Ctrl-C or SIGTERM.
    """

    def close(self) -> None:
        """Release the workers."""

    def __enter__(self) -> ClosableExecutor:
        """The executor itself."""

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Release the workers; at once if ``kind`` is an interruption."""


def _windowed(
    submit: Callable[[Item], Handle],
    result: Callable[[Handle], Out],
    items: Iterable[Item],
    *,
    window: int,
    cancel: Callable[[Handle], object] | None = None,
) -> Iterator[Out]:
    """Submit items at most ``window`` ahead and yield their results in item order."""
    pending: deque[Handle] = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= window:
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())
    finally:
        if cancel is not None:
            for handle in pending:
                cancel(handle)


def executor_for(engine: Engine) -> ClosableExecutor:
    """The executor that ``engine`` asks for (``--jobs``, ``--engine``, ``--ray-address``)."""
    if engine.name == "ray":
        return RayTasks(engine)
    if engine.jobs == 1:
        return InProcess()
    return LocalProcesses(engine.jobs)


def _import_ray() -> Any:  # noqa: ANN401 (ray ships no type information mypy can use here)
    try:
        import ray
    except ImportError:
        raise MissingExtra(f"--engine ray needs Ray: {RAY_INSTALL}") from None
    return ray
