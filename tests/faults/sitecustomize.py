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
    import signal
    import time
    from pathlib import Path

    from dedup import stages

    _marks = Path(os.environ["DEDUP_FAULT_MARKS"])
    _fault = os.environ.get("DEDUP_FAULT", "pause")
    _read_units = stages._units

    def _faulty_units(shard, *args, **kwargs):
        for number, unit in enumerate(_read_units(shard, *args, **kwargs)):
            if number == 1:
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
            yield unit

    stages._units = _faulty_units
