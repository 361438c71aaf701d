"""The one dispatch: a :class:`~dedup.job.Job` runs in this process or as stages over shards.

Alone in its module so that neither road imports the other: the local loop
(:mod:`dedup.batch`) never sees the sharded driver (:mod:`dedup.sharding`), its stages or
its executors, and a plain run imports none of them.
"""

from __future__ import annotations

from dedup.batch import run_local
from dedup.corpus import Tally
from dedup.job import Job, Listener


def run(job: Job, listener: Listener | None = None) -> Tally:
    """Clean every input of ``job`` in order, write the results, and return the counts.

    With ``on_bad_input="stop"`` the first bad input raises; otherwise it is counted in
    ``tally.failed``, passed to ``listener.failed``, and an ``-o`` file is then left as it
    was (as ``sort -o`` leaves it), since it would hold only part of the result.
    """
    if job.sharded:
        from dedup.sharding import run_sharded  # stages, executors: only for such a run

        return run_sharded(job, listener or Listener())
    return run_local(job, listener)
