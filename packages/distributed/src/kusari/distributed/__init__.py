"""Data-parallel training over MPI for kusari (distribution kusari-distributed), ChainerMN's design."""
from kusari.distributed.__about__ import __version__  # noqa: F401
