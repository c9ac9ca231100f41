"""ConcatenatedDataset: indices run through the datasets in order, empty ones skipped."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.datasets.concatenated_dataset import ConcatenatedDataset

parts = st.lists(st.lists(st.integers(0, 99), max_size=4), max_size=4)


@given(parts)
def test_every_index_reads_the_flat_concatenation(datasets):
    flat = [v for d in datasets for v in d]
    ds = ConcatenatedDataset(*datasets)
    assert len(ds) == len(flat)
    assert [ds[i] for i in range(len(ds))] == flat
    assert [ds[-i - 1] for i in range(len(ds))] == flat[::-1]
    assert ds[::-1] == flat[::-1]
    assert ds[list(range(len(flat)))[::2]] == flat[::2]


@given(parts)
def test_index_past_the_end_raises_index_error(datasets):
    ds = ConcatenatedDataset(*datasets)
    with pytest.raises(IndexError):
        ds[len(ds)]
    with pytest.raises(IndexError):
        ds[-len(ds) - 1]


def test_non_int_key_is_rejected_with_a_clear_message():
    with pytest.raises(TypeError, match=r"ConcatenatedDataset.__getitem__: argument 'index' expected an int, a slice or a list of ints, got str"):
        ConcatenatedDataset([1])["a"]
