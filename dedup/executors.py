"""Where the stages of a sharded corpus run: this process, N local processes, or a Ray cluster.

Every executor has one operation, :meth:`Executor.map`: call a stage function on each item and
yield the results *in the order of the items*, whatever order they finished in. The stage
functions (:mod:`dedup.stages`) are pure over their shard, so the same items give the same
results on any executor, and the driver that consumes them in order decides the same things:
the output never depends on the number of workers or machines.

A :class:`~dedup.errors.DedupError` raised in a worker (a bad record, an unreadable shard)
comes back as a value and is raised again in the driver as the same class with the same
message, so the CLI reports it in one line with its exit code, whichever executor ran it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import FrameType
from typing import Any, Literal, NoReturn, Protocol, TypeVar

from dedup.errors import RAY_INSTALL, DedupError, EngineError, MissingExtra

Item = TypeVar("Item")
Handle = TypeVar("Handle")
Out = TypeVar("Out")

EngineName = Literal["local", "ray"]
ENGINES: tuple[EngineName, ...] = ("local", "ray")

RAY_MAX_RETRIES = 3
"""How often Ray re-runs a stage whose worker process died (Ray's own default, made explicit).

A stage is pure over its shard and writes its output shard atomically, so running it again
gives the same result and never a mixed file.
"""

LOCAL_RAY_OBJECT_STORE = 300 * 2**20
"""The object store of a Ray started by dedup itself: bounded, so a laptop run does not reserve
30% of the memory as Ray's default would. A shard's results pass through it once."""


WINDOW_PER_WORKER = 2
"""Items submitted ahead of the one the driver waits for, per worker.

Enough to keep every worker busy while the driver consumes results in order; bounded so the
driver never holds the results of the whole corpus at once (memory per shard, not per corpus).
"""


@dataclass(frozen=True)
class Engine:
    """How to run the stages: ``local`` with ``jobs`` processes (0: one per core), or ``ray``.

    ``address`` is the Ray cluster to join (``None``: ``RAY_ADDRESS``, or a local Ray started
    for this run). ``jobs`` bounds a local Ray's CPUs; a cluster uses what it has. Built
    from a :class:`~dedup.batch.Job`'s ``engine``, ``jobs`` and ``ray_address``.
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


class LocalProcesses:
    """Runs stages on ``jobs`` local processes started with ``forkserver`` (``spawn`` elsewhere).

    Not ``fork``: the driver may hold threads (the matcher's look-ahead, rich's progress
    refresh), and forking a threaded process can deadlock. The pool lives until :meth:`close`.
    """

    def __init__(self, jobs: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            # Workers fork from a server that has imported the stages once, instead of each
            # paying the imports (~0.2 s) again.
            context.set_forkserver_preload(["dedup.stages"])
        self.jobs = jobs or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=context, initializer=_worker_signals
        )

    def map(self, stage: Callable[[Item], Out], items: Iterable[Item]) -> Iterator[Out]:
        """Yield ``stage(item)`` for each item, in order, computed on the pool."""
        return _windowed(
            lambda item: self._pool.submit(_guarded, stage, item),
            lambda future: _unwrap(future.result()),
            items,
            window=WINDOW_PER_WORKER * self.jobs,
            cancel=lambda future: future.cancel(),
        )

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _worker_signals() -> None:
    """Ctrl-C is the driver's to handle; SIGTERM unwinds a worker so it removes its temp file.

    Ctrl-C reaches every process of the terminal's group. The driver stops submitting and
    waits for the shards being written, which finish whole; a worker that took the SIGINT
    itself would print a traceback and could break the pool. A SIGTERM to the whole group
    (``timeout``, a service manager) raises ``SystemExit`` in the worker instead of killing
    it outright, so the atomic writer's cleanup runs.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(128 + signum)


class RayTasks:
    """Runs each stage call as a Ray task; Ray retries a task whose worker died.

    Joins the cluster at ``address`` (or ``RAY_ADDRESS``), or starts a local Ray with at most
    ``jobs`` CPUs (0: all) when there is none, and stops only a Ray it started itself. An
    already initialised Ray (a test's simulated cluster, a notebook) is used as it is.
    """

    def __init__(self, engine: Engine) -> None:
        ray = _import_ray()
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            address = engine.address or os.environ.get("RAY_ADDRESS") or None
            local: dict[str, Any] = {}
            if address is None:
                # "local": a Ray of our own, never one some other program left running here.
                address = "local"
                local = {
                    "num_cpus": engine.jobs or None,
                    "object_store_memory": LOCAL_RAY_OBJECT_STORE,
                }
            try:
                ray.init(
                    address=address,
                    include_dashboard=False,
                    log_to_driver=False,  # worker output must never reach our stdout
                    logging_level="ERROR",
                    configure_logging=True,
                    **local,
                )
            except Exception as error:  # Ray raises many kinds; each is one line for a user
                raise EngineError(f"--engine ray: cannot start or join Ray: {error}") from error
            self._started = True

    def map(self, stage: Callable[[Item], Out], items: Iterable[Item]) -> Iterator[Out]:
        """Yield ``stage(item)`` for each item, in order, each computed as a Ray task.

        Tasks still running when the caller stops early are left to finish, not cancelled:
        they are pure and write atomically, and cancelling a task that was completing at that
        moment crashed Ray 2.60's core worker in our tests.
        """
        # SPREAD: shards go to every node from the start (each reads its share of the input),
        # rather than filling the driver's node first as Ray's default placement does.
        task = self._ray.remote(_guarded).options(
            max_retries=RAY_MAX_RETRIES, num_cpus=1, scheduling_strategy="SPREAD"
        )
        workers = max(1, int(self._ray.cluster_resources().get("CPU", 1)))
        return _windowed(
            lambda item: task.remote(stage, item),
            lambda reference: _unwrap(self._ray.get(reference)),
            items,
            window=WINDOW_PER_WORKER * workers,
        )

    def shuffle(
        self,
        split: Callable[[Item], tuple[Meta, list[Part]]],
        merge: Callable[[list[Part]], Out],
        items: Sequence[Item],
        parts: int,
    ) -> tuple[list[Meta], list[Out]]:
        """:func:`shuffle` with the parts kept in the object store, never in the driver."""
        ray = self._ray
        options = {"max_retries": RAY_MAX_RETRIES, "num_cpus": 1, "scheduling_strategy": "SPREAD"}
        splitter = ray.remote(_split_returns).options(num_returns=parts + 1, **options)
        merger = ray.remote(_merge_parts).options(**options)
        split_up = [splitter.remote(split, parts, item) for item in items]
        merged = [
            merger.remote(merge, *[returns[number + 1] for returns in split_up])
            for number in range(parts)
        ]
        metas = [_unwrap(ray.get(returns[0])) for returns in split_up]
        return metas, [_unwrap(ray.get(reference)) for reference in merged]

    def close(self) -> None:
        """Stop the local Ray this executor started, if any."""
        if self._started:
            self._ray.shutdown()


class ClosableExecutor(Executor, Protocol):
    """An executor that holds processes or a cluster connection until closed."""

    def close(self) -> None:
        """Release the workers."""


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


Meta = TypeVar("Meta")
Part = TypeVar("Part")


def shuffle(
    executor: Executor,
    split: Callable[[Item], tuple[Meta, list[Part]]],
    merge: Callable[[list[Part]], Out],
    items: Sequence[Item],
    parts: int,
) -> tuple[list[Meta], list[Out]]:
    """Run ``split`` on every item into ``parts`` parts, then ``merge`` on each part number.

    ``merge`` of part ``b`` gets the ``b``-th part of every item, in item order. On Ray the
    parts go from worker to worker through the object store (each split task has
    ``parts + 1`` returns); the driver gets only the small ``Meta`` of each item and the
    merged results. Elsewhere the parts pass through the driver.
    """
    if isinstance(executor, RayTasks):
        return executor.shuffle(split, merge, items, parts)
    split_up = list(executor.map(split, items))
    inputs = [[pieces[number] for _, pieces in split_up] for number in range(parts)]
    return [meta for meta, _ in split_up], list(executor.map(merge, inputs))


def _split_returns(
    split: Callable[[Item], tuple[Meta, list[Part]]], parts: int, item: Item
) -> tuple[object, ...]:
    """A split as a Ray task with ``parts + 1`` returns; an error travels in the first."""
    try:
        meta, pieces = split(item)
    except DedupError as error:
        return (_Raised(type(error), str(error)), *([[]] * parts))
    return (meta, *pieces)


def _merge_parts(merge: Callable[[list[Part]], Out], *pieces: Part) -> Out | _Raised:
    return _guarded(merge, list(pieces))


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
