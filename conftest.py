"""Root test configuration: hypothesis profiles shared by every package.

HYPOTHESIS_PROFILE picks one:
  ci        fast, for CI (the default when CI is set)
  dev       the default locally
  thorough  many examples, for a careful local run before a release
"""
import os

import numpy
from hypothesis import HealthCheck, settings

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
