"""TextDataset: lines read on demand, several files in lockstep, filters, pickling, closing."""
import os
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kusari.datasets.text_dataset import TextDataset

line_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=5)


def _write(path, text, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(text)
    return str(path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line_text, max_size=6))
def test_single_file_lines_in_any_order(tmp_path, lines):
    path = _write(tmp_path / "a.txt", "".join(line + "\n" for line in lines))
    with TextDataset(path, encoding="utf-8") as ds:
        assert len(ds) == len(lines)
        assert [ds[i] for i in reversed(range(len(ds)))] == [line + "\n" for line in reversed(lines)]
        assert ds[::2] == [line + "\n" for line in lines[::2]]


def test_last_line_without_newline_and_encodings_per_file(tmp_path):
    a = _write(tmp_path / "a.txt", "caf\u00e9\nend", encoding="latin-1")
    b = _write(tmp_path / "b.txt", "\u732b\n\u72ac", encoding="utf-8")
    ds = TextDataset([a, b], encoding=["latin-1", "utf-8"])
    assert len(ds) == 2
    assert ds[0] == ("caf\u00e9\n", "\u732b\n")
    assert ds[-1] == ("end", "\u72ac")
    ds.close()


def test_filter_func_sees_the_lines_of_every_file(tmp_path):
    a = _write(tmp_path / "a.txt", "1\n\n3\n")
    b = _write(tmp_path / "b.txt", "x\ny\n\n")
    seen = []

    def keep(src, dst):
        seen.append((src, dst))
        return src.strip() != "" and dst.strip() != ""

    with TextDataset([a, b], filter_func=keep) as ds:
        assert seen == [("1\n", "x\n"), ("\n", "y\n"), ("3\n", "\n")]
        assert ds[:] == [("1\n", "x\n")]


def test_pickled_dataset_reopens_its_files(tmp_path):
    path = _write(tmp_path / "a.txt", "p\nq\n")
    ds = TextDataset(path)
    clone = pickle.loads(pickle.dumps(ds))
    ds.close()
    assert clone[1] == "q\n"
    clone.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_does_not_share_the_file_offset(tmp_path):
    path = _write(tmp_path / "a.txt", "".join(f"line{i}\n" for i in range(50)))
    ds = TextDataset(path)
    ds[0]
    pid = os.fork()
    if pid == 0:  # child: read the file back to front while the parent reads it too
        ok = all(ds[i] == f"line{i}\n" for i in reversed(range(50)))
        os._exit(0 if ok else 1)
    parent_ok = all(ds[i] == f"line{i}\n" for i in range(50) for _ in range(3))
    _, status = os.waitpid(pid, 0)
    assert parent_ok and os.waitstatus_to_exitcode(status) == 0
    ds.close()


def test_closed_dataset_cannot_be_read(tmp_path):
    ds = TextDataset(_write(tmp_path / "a.txt", "x\n"))
    ds.close()
    with pytest.raises(ValueError, match="closed"):
        ds[0]


def test_errors(tmp_path):
    a = _write(tmp_path / "a.txt", "1\n2\n")
    b = _write(tmp_path / "b.txt", "1\n2\n3\n")
    with pytest.raises(ValueError, match=r"TextDataset: argument 'paths' expected at least one text file, got an empty list"):
        TextDataset([])
    with pytest.raises(TypeError, match=r"TextDataset: argument 'paths' expected a path or a list of paths, got int"):
        TextDataset(3)
    with pytest.raises(ValueError, match=r"TextDataset: argument 'encoding' expected a str, None, or one value per file \(2\), got 1 values"):
        TextDataset([a, b], encoding=["utf-8"])
    with pytest.raises(ValueError, match=r"TextDataset: argument 'paths' expected files with the same number of lines, got 2 lines in '.*a.txt' and more in '.*b.txt'"):
        TextDataset([a, b])
    with pytest.raises(TypeError, match=r"TextDataset: argument 'filter_func' expected a callable or None, got int"):
        TextDataset(a, filter_func=1)
    with TextDataset(a) as ds, pytest.raises(IndexError):
        ds[2]
