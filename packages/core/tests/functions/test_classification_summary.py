"""F.classification_summary, precision, recall, fbeta_score, f1_score: NumPy reference, NaN on 0/0, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.evaluation.classification_summary import (
    classification_summary,
    f1_score,
    fbeta_score,
    precision,
    recall,
)
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(y, t, label_num, beta, ignore_label):
    pred = y.argmax(axis=1).ravel()
    true = t.ravel()
    out = np.zeros((4, label_num))
    for c in range(label_num):
        tp = fp = fn = 0
        for p, g in zip(pred, true, strict=True):
            if g == ignore_label:
                continue
            tp += p == c and g == c
            fp += p == c and g != c
            fn += p != c and g == c
        prec = tp / (tp + fp) if tp + fp else np.nan
        rec = tp / (tp + fn) if tp + fn else np.nan
        f = (1 + beta ** 2) * prec * rec / (beta ** 2 * prec + rec) if beta ** 2 * prec + rec else np.nan
        out[:, c] = prec, rec, f, tp + fn
    return out


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 4))
    c = draw(st.integers(1, 4))
    rest = draw(st.lists(st.integers(1, 2), max_size=1))
    y = draw(kst.arrays(shape=(n, c, *rest), unique=True))  # unique: no argmax ties
    t = draw(kst.arrays(shape=(n, *rest), dtype=np.int32, lo=-1, hi=c - 1))
    return y, t, c


@given(_cases(), st.sampled_from([0.5, 1.0, 2.0]), st.booleans())
def test_summary_matches_numpy(case, beta, give_label_num):
    y, t, c = case
    y = y.astype(np.float32)
    label_num = c if give_label_num else max(int(t.max()) + 1, 0)
    p, r, f, s = classification_summary(y, t, label_num=c if give_label_num else None, beta=beta)
    for v in (p, r, f):
        assert v.dtype == np.float32 and v.shape == (label_num,) and v.creator is None
    assert s.dtype.kind == "i" and isinstance(s, kusari.Variable)
    expected = _reference(y, t, label_num, beta, -1)
    np.testing.assert_allclose(p.array, expected[0], rtol=1e-6)
    np.testing.assert_allclose(r.array, expected[1], rtol=1e-6)
    np.testing.assert_allclose(f.array, expected[2], rtol=1e-5)
    np.testing.assert_array_equal(s.array, expected[3])


@given(_cases())
def test_parts_equal_the_summary(case):
    y, t, c = case
    p, r, f, s = classification_summary(y, t, label_num=c)
    for (value, support), whole in ((precision(y, t, label_num=c), p), (recall(y, t, label_num=c), r),
                                    (f1_score(y, t, label_num=c), f), (fbeta_score(y, t, label_num=c), f)):
        np.testing.assert_array_equal(value.array, whole.array)
        np.testing.assert_array_equal(support.array, s.array)
    f2, _ = fbeta_score(y, t, label_num=c, beta=2.0)
    np.testing.assert_array_equal(f2.array, classification_summary(y, t, label_num=c, beta=2.0)[2].array)


def test_zero_divisions_give_nan():
    y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], np.float32)  # always predicts class 0
    p, r, f, s = classification_summary(y, np.array([0, 1], np.int32), label_num=3)
    np.testing.assert_array_equal(p.array, [0.5, np.nan, np.nan])  # classes 1, 2 never predicted
    np.testing.assert_array_equal(r.array, [1.0, 0.0, np.nan])      # class 2 never present
    np.testing.assert_allclose(f.array, [2 / 3, np.nan, np.nan])
    np.testing.assert_array_equal(s.array, [1, 1, 0])


def test_custom_ignore_label_and_all_ignored():
    y = np.array([[0.2, 0.8], [0.9, 0.1], [0.3, 0.7]], np.float32)
    p, r, _, s = classification_summary(y, np.array([1, 5, 0], np.int32), label_num=2, ignore_label=5)
    np.testing.assert_array_equal(p.array, [np.nan, 0.5])
    np.testing.assert_array_equal(r.array, [0.0, 1.0])
    np.testing.assert_array_equal(s.array, [1, 1])
    p, *_ = classification_summary(y, np.full(3, -1, np.int32))  # label_num = max(t) + 1 = 0
    assert p.shape == (0,)


_Y = np.zeros((2, 3), np.float32)
_T = np.array([0, 1], np.int32)


@pytest.mark.parametrize(("y", "t", "kwargs", "match"), [
    (_Y.astype(np.int32), _T, {}, r"classification_summary: argument 'y' expected a floating-point dtype"),
    (_Y, _T.astype(np.float32), {}, r"classification_summary: argument 't' expected an integer dtype"),
    (_Y, _T[:1], {}, r"classification_summary: argument 't' expected shape \(2,\) \(y's shape without the class "
                     r"axis 1\), got \(1,\)"),
    (_Y, np.array([0, 3], np.int32), {"label_num": 3},
     r"classification_summary: argument 't' expected labels in \[0, 3\) \(label_num\) or ignore_label -1, "
     r"got values from 0 to 3"),
    (_Y, np.array([0, -2], np.int32), {}, r"expected labels in \[0, 1\) .*got values from -2 to 0"),
])
def test_bad_inputs(y, t, kwargs, match):
    with pytest.raises(InvalidType, match=match):
        classification_summary(y, t, **kwargs)


def test_part_errors_name_the_part():
    for fn in (precision, recall, f1_score, fbeta_score):
        with pytest.raises(InvalidType, match=rf"^{fn.__name__}: argument 'y' expected a floating-point dtype"):
            fn(_Y.astype(np.int32), _T)
