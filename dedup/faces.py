"""A package face whose names load when first asked for (PEP 562), written once.

``dedup`` and ``dedup.batch`` each hand on names that live in their modules: ``import dedup``
(the command's first import) and a worker importing :mod:`dedup.batch.stages` then pay only
for the modules a run needs, and no import circle can close through a face. Imports nothing
of dedup, so a face importing it loads nothing of the engine.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence


def lazy_names(
    package: str, homes: Mapping[str, str], names: Sequence[str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: each name of ``homes`` is read
    from its home module on first use, then kept in the package, so it is looked up once.

    >>> getattr_, dir_ = lazy_names("dedup", {"Options": "dedup.options"}, ["Options"])
    >>> getattr_("Options").__name__, dir_()
    ('Options', ['Options'])
    """

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
