"""Initializers: Chainer's defaults and formulas, fans, dtypes, reproducibility, errors."""
import math

import numpy
import pytest

import kusari
from kusari import initializers
from kusari.utils.type_check import InvalidType

NORMALS = [
    # (initializer, shape, expected standard deviation)
    (initializers.Normal(), (500, 400), 0.05),
    (initializers.Normal(scale=0.3), (500, 400), 0.3),
    (initializers.LeCunNormal(), (500, 400), math.sqrt(1 / 400)),
    (initializers.LeCunNormal(scale=2.0), (50, 20, 3, 3), 2.0 * math.sqrt(1 / 180)),
    (initializers.GlorotNormal(), (300, 500), math.sqrt(2 / 800)),
    (initializers.GlorotNormal(scale=0.5), (40, 10, 5, 5), 0.5 * math.sqrt(2 / (250 + 1000))),
    (initializers.HeNormal(), (500, 200), math.sqrt(2 / 200)),
    (initializers.HeNormal(fan_option="fan_out"), (64, 32, 3, 3), math.sqrt(2 / (64 * 9))),
]

UNIFORMS = [
    # (initializer, shape, half width of the interval)
    (initializers.Uniform(), (500, 400), 0.05),
    (initializers.Uniform(scale=2.0), (500, 400), 2.0),
    (initializers.LeCunUniform(), (500, 300), math.sqrt(3 / 300)),
    (initializers.GlorotUniform(), (200, 400), math.sqrt(6 / 600)),
    (initializers.GlorotUniform(scale=3.0), (20, 10, 4, 4), 3.0 * math.sqrt(6 / (160 + 320))),
    (initializers.HeUniform(), (500, 600), math.sqrt(6 / 600)),
    (initializers.HeUniform(scale=0.5), (30, 8, 5, 5), 0.5 * math.sqrt(6 / 200)),
]


@pytest.mark.parametrize("init, shape, std", NORMALS)
def test_normal_family_statistics(init, shape, std):
    numpy.random.seed(0)
    a = numpy.empty(shape, numpy.float32)
    init(a)
    assert a.dtype == numpy.float32
    n = a.size
    # mean within 5 standard errors, std within 3%
    assert abs(float(a.mean())) < 5 * std / math.sqrt(n)
    assert abs(float(a.std()) / std - 1) < 0.03


@pytest.mark.parametrize("init, shape, s", UNIFORMS)
def test_uniform_family_statistics(init, shape, s):
    numpy.random.seed(0)
    a = numpy.empty(shape, numpy.float32)
    init(a)
    assert float(abs(a).max()) <= s
    assert float(a.max()) > 0.99 * s and float(a.min()) < -0.99 * s
    assert abs(float(a.std()) / (s / math.sqrt(3)) - 1) < 0.03
    assert abs(float(a.mean())) < 5 * s / math.sqrt(3 * a.size)


def test_the_global_numpy_seed_reproduces_chainers_draws():
    # Same calls on numpy.random as Chainer makes: the same seed gives the same weights.
    a = numpy.empty((4, 6), numpy.float32)
    numpy.random.seed(42)
    initializers.GlorotNormal()(a)
    numpy.random.seed(42)
    expected = numpy.random.normal(loc=0.0, scale=math.sqrt(2 / 10), size=(4, 6)).astype(numpy.float32)
    numpy.testing.assert_array_equal(a, expected)

    numpy.random.seed(7)
    initializers.HeUniform()(a)
    numpy.random.seed(7)
    s = math.sqrt(6 / 6)
    numpy.testing.assert_array_equal(a, numpy.random.uniform(-s, s, (4, 6)).astype(numpy.float32))


def test_an_explicit_rng_is_used_instead_of_the_global_one():
    a, b = numpy.empty((3, 3)), numpy.empty((3, 3))
    initializers.Normal(1.0, rng=numpy.random.RandomState(5))(a)
    initializers.Normal(1.0, rng=numpy.random.RandomState(5))(b)
    numpy.testing.assert_array_equal(a, b)
    numpy.testing.assert_array_equal(a, numpy.random.RandomState(5).normal(0, 1, (3, 3)))


@pytest.mark.parametrize("dtype", [numpy.float16, numpy.float32, numpy.float64])
@pytest.mark.parametrize("make", [initializers.Normal, initializers.LeCunUniform, initializers.HeNormal,
                                  initializers.Orthogonal, initializers.Identity])
def test_every_initializer_keeps_the_array_dtype(make, dtype):
    a = numpy.zeros((4, 4), dtype)
    make()(a)
    assert a.dtype == dtype and numpy.isfinite(a).all() and (a != 0).any()


@pytest.mark.parametrize("make", [initializers.Normal, initializers.GlorotUniform, initializers.Orthogonal,
                                  initializers.Identity])
def test_an_initializer_dtype_is_enforced(make):
    init = make(dtype=numpy.float64)
    assert init.dtype == numpy.float64
    name = make.__name__
    with pytest.raises(InvalidType, match=rf"{name}: argument 'array' expected dtype float64 \(the initializer's dtype\), got float32"):
        init(numpy.zeros((2, 2), numpy.float32))


def test_generate_array_uses_the_initializer_dtype_then_the_config_dtype():
    a = initializers.generate_array(initializers.Uniform(dtype=numpy.float64), (2, 3), numpy)
    assert a.dtype == numpy.float64 and a.shape == (2, 3)
    b = initializers.generate_array(initializers.Normal(), (2,), numpy)
    assert b.dtype == numpy.float32
    with kusari.using_config("dtype", numpy.dtype(numpy.float16)):
        assert initializers.generate_array(initializers.HeNormal(), (2, 2), numpy).dtype == numpy.float16


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match=r"get_fans: expected a shape with at least 2 dimensions, got \(3,\)"):
        initializers.LeCunNormal()(numpy.empty(3, numpy.float32))


def test_he_normal_rejects_unknown_fan_options():
    with pytest.raises(ValueError, match=r"HeNormal: argument 'fan_option' expected 'fan_in' or 'fan_out', got 'fan_avg'"):
        initializers.HeNormal(fan_option="fan_avg")


def test_chainer_default_scales():
    assert initializers.Normal().scale == 0.05 and initializers.Uniform().scale == 0.05
    assert initializers.Orthogonal().scale == 1.1 and initializers.Orthogonal().mode == "auto"
    for cls in (initializers.LeCunNormal, initializers.GlorotNormal, initializers.HeNormal,
                initializers.LeCunUniform, initializers.GlorotUniform, initializers.HeUniform,
                initializers.Identity):
        assert cls().scale == 1.0
    assert initializers.HeNormal().fan_option == "fan_in"


# ---- Orthogonal -----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 2, 2), (2, 3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_scale(shape):
    numpy.random.seed(1)
    a = numpy.empty(shape, numpy.float64)
    initializers.Orthogonal(scale=2.0)(a)
    m = a.reshape(shape[0], -1)
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    numpy.testing.assert_allclose(gram, 4.0 * numpy.eye(len(gram)), atol=1e-10)


def test_orthogonal_draws_like_chainer():
    # Chainer: QR of a standard normal (out, in) matrix, R's diagonal made positive.
    numpy.random.seed(3)
    a = numpy.empty((3, 3))
    initializers.Orthogonal()(a)
    numpy.random.seed(3)
    q, r = numpy.linalg.qr(numpy.random.normal(size=(3, 3)))
    numpy.testing.assert_allclose(a, q * numpy.sign(numpy.diag(r)) * 1.1, atol=1e-12)


def test_orthogonal_scalar_and_errors():
    a = numpy.zeros((), numpy.float32)
    initializers.Orthogonal(scale=3.0)(a)
    assert abs(float(a)) == 3.0
    with pytest.raises(InvalidType, match=r"Orthogonal: argument 'array' expected a non-empty array, got shape \(0, 3\)"):
        initializers.Orthogonal()(numpy.zeros((0, 3), numpy.float32))
    with pytest.raises(ValueError, match=r"Orthogonal: argument 'mode' expected one of 'auto', 'projection', 'embedding', 'basis', got 'x'"):
        initializers.Orthogonal(mode="x")
    with pytest.raises(InvalidType, match=r"Orthogonal: argument 'array' expected a shape with rows >= columns for mode 'embedding', got shape \(3, 5\) \(3 rows, 5 columns\)"):
        initializers.Orthogonal(mode="embedding")(numpy.zeros((3, 5)))
    with pytest.raises(InvalidType, match=r"rows <= columns for mode 'projection'"):
        initializers.Orthogonal(mode="projection")(numpy.zeros((5, 3)))
    initializers.Orthogonal(mode="embedding")(numpy.zeros((5, 3)))
    initializers.Orthogonal(mode="projection")(numpy.zeros((3, 5)))
    with pytest.raises(InvalidType, match=r"rows == columns for mode 'basis'"):
        initializers.Orthogonal(mode="basis")(numpy.zeros((5, 3)))
    initializers.Orthogonal(mode="basis")(numpy.zeros((3, 3)))   # square is fine


# ---- Identity ---------------------------------------------------------------------------

def test_identity():
    a = numpy.full((3, 3), 7, numpy.float32)
    initializers.Identity(scale=0.5)(a)
    numpy.testing.assert_array_equal(a, 0.5 * numpy.eye(3, dtype=numpy.float32))
    with pytest.raises(InvalidType, match=r"Identity: argument 'array' expected a square 2-dimensional array, got shape \(2, 3\)"):
        initializers.Identity()(numpy.zeros((2, 3), numpy.float32))
    with pytest.raises(InvalidType, match=r"got shape \(2, 2, 2\)"):
        initializers.Identity()(numpy.zeros((2, 2, 2), numpy.float32))


def test_initializers_fill_link_parameters():
    p = kusari.Parameter(initializers.Identity(), (2, 2))
    numpy.testing.assert_array_equal(p.array, numpy.eye(2, dtype=numpy.float32))
    assert isinstance(initializers._get_initializer(None), initializers.LeCunNormal)
