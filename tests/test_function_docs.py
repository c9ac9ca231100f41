"""docs/functions.md lists every name that kusari.functions provides."""
import pathlib
import re

import kusari.functions as F

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "functions.md"


def test_every_function_is_listed_in_docs_functions_md():
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(), flags=re.M))
    missing = sorted(set(F._NAMES) - listed)
    assert not missing, f"docs/functions.md does not list: {', '.join(missing)}"


def test_every_listed_function_exists():
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(), flags=re.M))
    assert listed, "no function rows found in docs/functions.md"
    for name in listed:
        assert callable(getattr(F, name)), name
