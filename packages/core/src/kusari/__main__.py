"""``python -m kusari``: the same as the ``kusari`` command (see :mod:`kusari._cli`)."""
from kusari._cli import main

if __name__ == "__main__":  # importing this module (doctest collection) runs nothing
    raise SystemExit(main())
