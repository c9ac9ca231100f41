"""L.Classifier: loss, accuracy, label_key handling and reports."""
import numpy
import pytest

import kusari
import kusari.functions as F
import kusari.links as L


def data(n=6, n_in=4, n_classes=3, seed=0):
    rng = numpy.random.RandomState(seed)
    x = rng.randn(n, n_in).astype(numpy.float32)
    t = rng.randint(0, n_classes, n).astype(numpy.int32)
    return x, t


def observe(model, *args, **kwargs):
    reporter = kusari.Reporter()
    reporter.add_observer("main", model)
    observation = {}
    with reporter.scope(observation):
        loss = model(*args, **kwargs)
    return loss, observation


def test_loss_accuracy_attributes_and_reports():
    x, t = data()
    model = L.Classifier(L.Linear(4, 3))
    loss, observation = observe(model, x, t)
    y = x @ model.predictor.W.array.T + model.predictor.b.array
    log_p = y - numpy.log(numpy.exp(y).sum(axis=1, keepdims=True))
    expected_loss = -log_p[numpy.arange(len(t)), t].mean()
    expected_acc = (y.argmax(axis=1) == t).mean()
    numpy.testing.assert_allclose(loss.array, expected_loss, rtol=1e-5)
    assert model.loss is loss
    numpy.testing.assert_allclose(model.y.array, y, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(model.accuracy.array, expected_acc)
    assert sorted(observation) == ["main/accuracy", "main/loss"]
    numpy.testing.assert_allclose(observation["main/loss"].array, expected_loss, rtol=1e-5)
    numpy.testing.assert_allclose(observation["main/accuracy"].array, expected_acc)


def test_reported_loss_carries_no_graph_but_the_returned_one_does():
    x, t = data()
    model = L.Classifier(L.Linear(4, 3))
    loss, observation = observe(model, x, t)
    assert loss.creator is not None
    assert observation["main/loss"].creator is None
    model.cleargrads()
    loss.backward()
    assert model.predictor.W.grad is not None and model.predictor.W.grad.shape == (3, 4)


def test_defaults_are_chainers():
    model = L.Classifier(L.Linear(4, 3))
    assert model.lossfun is F.softmax_cross_entropy and model.accfun is F.accuracy
    assert model.label_key == -1 and model.compute_accuracy is True
    assert model.y is None and model.loss is None and model.accuracy is None
    assert [n for n, _ in model.namedparams()] == ["/predictor/W", "/predictor/b"]
    assert model.predictor.name == "predictor"


def test_compute_accuracy_off():
    x, t = data()
    model = L.Classifier(L.Linear(4, 3))
    model.compute_accuracy = False
    _, observation = observe(model, x, t)
    assert sorted(observation) == ["main/loss"] and model.accuracy is None


def test_custom_functions_receive_prediction_and_label():
    calls = []

    def lossfun(y, t):
        calls.append(("loss", y.shape, t.shape))
        return F.sum(y)

    def accfun(y, t):
        calls.append(("acc", y.shape, t.shape))
        return kusari.Variable(numpy.array(0.5, numpy.float32))

    x, t = data()
    model = L.Classifier(L.Linear(4, 3), lossfun=lossfun, accfun=accfun)
    _, observation = observe(model, x, t)
    assert calls == [("loss", (6, 3), (6,)), ("acc", (6, 3), (6,))]
    assert float(observation["main/accuracy"].array) == 0.5


def test_label_key_positions_and_keywords():
    x, t = data()

    class Two(kusari.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.fc = L.Linear(4, 3)

        def forward(self, a, b=None):
            return self.fc(a) if b is None else self.fc(a + b)

    first = L.Classifier(Two(), label_key=0)
    ref = L.Classifier(Two(), label_key=-1)
    ref.predictor.copyparams(first.predictor)
    numpy.testing.assert_allclose(first(t, x).array, ref(x, t).array)
    middle = L.Classifier(Two(), label_key=1)
    middle.predictor.copyparams(first.predictor)
    numpy.testing.assert_allclose(middle(x, t, x).array, ref(x + x, t).array, rtol=1e-6)
    keyword = L.Classifier(Two(), label_key="label")
    keyword.predictor.copyparams(first.predictor)
    kwargs = {"b": x, "label": t}
    numpy.testing.assert_allclose(keyword(x, **kwargs).array, ref(x + x, t).array, rtol=1e-6)
    assert "label" in kwargs       # the caller's dict is left alone


def test_label_key_errors():
    x, t = data()
    with pytest.raises(TypeError, match=r"Classifier: argument 'label_key' expected an int or a str, got float"):
        L.Classifier(L.Linear(4, 3), label_key=1.0)
    with pytest.raises(ValueError, match=r"Classifier: argument 'label_key' expected a position among the 2 positional arguments, got 2"):
        L.Classifier(L.Linear(4, 3), label_key=2)(x, t)
    with pytest.raises(ValueError, match=r"Classifier: argument 'label_key' expected a keyword argument name, got 't' \(given: 'y'\)"):
        L.Classifier(L.Linear(4, 3), label_key="t")(x, y=t)


def test_works_without_a_reporter_and_drops_the_previous_graph():
    x, t = data()
    model = L.Classifier(L.Linear(4, 3))
    first = model(x, t)
    second = model(x, t)
    assert model.loss is second and first is not second
    numpy.testing.assert_allclose(first.array, second.array)
