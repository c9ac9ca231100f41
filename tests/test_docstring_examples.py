"""Every docstring Example in every kusari package runs and prints what it shows.

The standards ask for a docstring with an example on every public function;
running them keeps the examples true as the code changes. One test per
module, found by walking each package's ``src/kusari`` tree.
"""
import doctest
import importlib
import pathlib
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE_TREES = sorted(ROOT.glob("packages/*/src")) + [ROOT / "examples" / "plugin-example" / "src"]


def _module_names():
    for tree in SOURCE_TREES:
        for path in sorted(tree.rglob("*.py")):
            parts = path.relative_to(tree).with_suffix("").parts
            if parts[-1] == "__main__":
                continue  # running it would run the command line
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = list(_module_names())


def test_the_walk_finds_every_package():
    tops = {name.split(".")[1] for name in MODULES if name.startswith("kusari.") and name.count(".")}
    assert {"functions", "links", "datasets", "training", "rnn", "cuda_backend"} <= tops


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = []
    with warnings.catch_warnings():
        # hypothesis warns that .example() is meant for interactive use: it is, here
        warnings.simplefilter("ignore")
        for test in doctest.DocTestFinder().find(module, module_name):
            runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
