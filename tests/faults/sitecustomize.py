"""Faults planted in the shard stages of child processes, for tests/test_faults_processes.py.

Python imports ``sitecustomize`` at start-up from the path, so a test that puts this
directory on ``PYTHONPATH`` reaches every process of a run: the driver, the fork server and
each worker, which a monkeypatch in the test process cannot. Nothing happens unless
``DEDUP_FAULT_MARKS`` names a directory. Then, in the write stage, after the first unit of a
shard has been read (its temporary output file open):

- a file ``<pid>-<shard>`` is created in that directory, so the test knows a stage is under way;
- ``DEDUP_FAULT=pause`` sleeps ``DEDUP_FAULT_PAUSE`` seconds (default 60), mid-write;
- ``DEDUP_FAULT=kill-once`` kills its own process with SIGKILL, in the first stage only, as
  the out-of-memory killer would; ``kill-always`` does so in every stage;
- ``DEDUP_FAULT=raise`` raises a ``ValueError``, as a bug in a stage would.
"""

import os

if os.environ.get("DEDUP_FAULT_MARKS"):
    import importlib
    import signal
    import time
    from pathlib import Path

    _marks = Path(os.environ["DEDUP_FAULT_MARKS"])
    _fault = os.environ.get("DEDUP_FAULT", "pause")

    def _planted(shard):
        (_marks / f"{os.getpid()}-{shard.number}").touch()
        if _fault == "pause":
            time.sleep(float(os.environ.get("DEDUP_FAULT_PAUSE", "60")))
        elif _fault == "raise":
            raise ValueError("a planted bug")
        elif _fault == "kill-always":
            os.kill(os.getpid(), signal.SIGKILL)
        elif _fault == "kill-once":
            try:
                (_marks / "killed").mkdir()
            except FileExistsError:
                pass
            else:
                os.kill(os.getpid(), signal.SIGKILL)

    def _faulty(read):
        def units(shard, *args, **kwargs):
            for number, unit in enumerate(read(shard, *args, **kwargs)):
                if number == 1:
                    _planted(shard)
                yield unit

        return units

    # The stage modules read shards through a function they imported by name; each one's
    # own name is replaced (wherever the layout of the day puts them).
    _planted_somewhere = False
    for _module_name in (
        "dedup.batch.stages",
        "dedup.batch.grouping",
        "dedup.stages",
        "dedup.grouping",
    ):
        try:
            _module = importlib.import_module(_module_name)
        except ImportError:
            continue
        for _name in ("read_units", "_units"):
            if hasattr(_module, _name):
                setattr(_module, _name, _faulty(getattr(_module, _name)))
                _planted_somewhere = True
    if not _planted_somewhere:
        raise RuntimeError("tests/faults/sitecustomize.py: no shard reader to plant faults in")
