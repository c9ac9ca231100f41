"""docs/functions/*.md and docs/links/*.md are generated and must be current."""
import importlib.util
import pathlib

import pytest

import kusari.functions as F
import kusari.links as L

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("gen_api_docs", ROOT / "tools" / "gen_api_docs.py")
gen_api_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_api_docs)

PAGES = gen_api_docs.render()


@pytest.mark.parametrize("path", sorted(PAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_is_current(path):
    assert path.exists() and path.read_text() == PAGES[path], (
        f"{path.relative_to(ROOT)} is stale: run python tools/gen_api_docs.py")


@pytest.mark.parametrize("namespace, folder", [(F, "functions"), (L, "links")])
def test_every_name_is_on_a_page_and_documented(namespace, folder):
    text = "".join(t for p, t in PAGES.items() if p.parent.name == folder)
    for name in namespace._NAMES:
        assert f"| `{name}` |" in text, name
        assert getattr(namespace, name).__doc__, f"{name} has no docstring"


def test_check_mode_reports_a_stale_page(tmp_path, monkeypatch, capsys):
    page = next(iter(PAGES))
    monkeypatch.setattr(gen_api_docs, "ROOT", tmp_path)
    monkeypatch.setattr(gen_api_docs, "render", lambda: {tmp_path / "docs" / page.name: "x"})
    assert gen_api_docs.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().out
