"""Shared test settings: hypothesis profiles ("ci" is deterministic, "dev" digs deeper)."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def reap():
    """Register children to kill if a test fails while one still runs (a paused one sleeps)."""
    children = []
    yield children.append
    for child in children:
        if child.poll() is None:
            child.kill()
        child.communicate()
