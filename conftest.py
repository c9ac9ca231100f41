"""Root test configuration: hypothesis profiles shared by every package.

HYPOTHESIS_PROFILE picks one:
  ci        fast, for CI (the default when CI is set)
  dev       the default locally
  thorough  many examples, for a careful local run before a release
"""
import os

import numpy
import pytest
from hypothesis import HealthCheck, settings

try:
    import threadpoolctl
except ImportError:  # the fixture below is a speed-up, not a requirement
    threadpoolctl = None

settings.register_profile(
    "ci", max_examples=15, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Finite-difference checks use numpy's global RNG for their directions;
# seed it so a failure reproduces.
numpy.random.seed(0)

@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """Tests use small arrays: with threaded BLAS on a busy 2-core machine a
    100x784 product took 31 ms instead of 0.7 ms (spinning workers)."""
    if threadpoolctl is None:
        yield
        return
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        yield
