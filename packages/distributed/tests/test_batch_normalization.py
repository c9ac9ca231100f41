"""MultiNodeBatchNormalization: N processes normalize like one BatchNormalization over the concatenated batch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpi4py import MPI

import kusari
from kusari import gradient_check
from kusari.distributed.communicators import create_communicator
from kusari.distributed.functions import multi_node_batch_normalization
from kusari.distributed.links import MultiNodeBatchNormalization
from kusari.links.normalization.batch_normalization import BatchNormalization
from kusari.utils.type_check import InvalidType

B, C, W = 3, 4, 2   # local batch, channels, trailing axis


def _global_data(n):
    rng = np.random.RandomState(0)
    x = (rng.randn(n * B, C, W) * 3 + 5).astype(np.float32)
    w = rng.randn(n * B, C, W).astype(np.float32)   # loss = sum(y * w)
    return x, w


_SCRIPT = f'''
import numpy as np, kusari, copy
from kusari.distributed.communicators import create_communicator
from kusari.distributed.links import MultiNodeBatchNormalization

comm = create_communicator('naive')
B, C, W = {B}, {C}, {W}
rng = np.random.RandomState(0)
x = (rng.randn(comm.size * B, C, W) * 3 + 5).astype(np.float32)[comm.rank * B:(comm.rank + 1) * B]
w = rng.randn(comm.size * B, C, W).astype(np.float32)[comm.rank * B:(comm.rank + 1) * B]
bn = MultiNodeBatchNormalization(C, comm, initial_gamma=np.linspace(0.5, 2, C), initial_beta=0.25)
out = {{}}
for step in range(2):   # two steps: the running statistics accumulate
    xv = kusari.Variable(x + step)
    y = bn(xv)
    bn.cleargrads()
    kusari.functions.sum(y * w).backward()
out.update(y=y.array.tolist(), gx=xv.grad.tolist(), ggamma=bn.gamma.grad.tolist(),
           gbeta=bn.beta.grad.tolist(), avg_mean=bn.avg_mean.tolist(), avg_var=bn.avg_var.tolist())
with kusari.using_config('train', False):
    out['y_eval'] = bn(x).array.tolist()
clone = copy.deepcopy(bn)
out['clone_shares_comm'] = clone.comm is comm and clone.gamma is not bn.gamma
dump(out)
'''


def _reference(n):
    x, w = _global_data(n)
    bn = BatchNormalization(C, initial_gamma=np.linspace(0.5, 2, C), initial_beta=0.25)
    for step in range(2):
        xv = kusari.Variable(x + step)
        y = bn(xv)
        bn.cleargrads()
        kusari.functions.sum(y * w).backward()
    with kusari.using_config("train", False):
        y_eval = bn(x).array
    return dict(y=y.array, gx=xv.grad, ggamma=bn.gamma.grad, gbeta=bn.beta.grad, avg_mean=bn.avg_mean,
                avg_var=bn.avg_var, y_eval=y_eval)


@pytest.mark.parametrize("n", [2, 3])
def test_equals_batch_normalization_over_the_concatenated_batch(mpirun, n):
    res = mpirun(_SCRIPT, n=n)
    assert res.returncode == 0, res.stderr
    ref = _reference(n)
    tol = dict(rtol=1e-4, atol=1e-4)
    for r, out in enumerate(res.outputs):
        part = slice(r * B, (r + 1) * B)
        np.testing.assert_allclose(out["y"], ref["y"][part], **tol)
        np.testing.assert_allclose(out["y_eval"], ref["y_eval"][part], **tol)
        # gx: gradient of the sum of all ranks' losses; ggamma/gbeta: of their mean
        np.testing.assert_allclose(out["gx"], ref["gx"][part], **tol)
        np.testing.assert_allclose(np.array(out["ggamma"]) * n, ref["ggamma"], **tol)
        np.testing.assert_allclose(np.array(out["gbeta"]) * n, ref["gbeta"], **tol)
        np.testing.assert_allclose(out["avg_mean"], ref["avg_mean"], **tol)
        np.testing.assert_allclose(out["avg_var"], ref["avg_var"], **tol)
        assert out["clone_shares_comm"] is True


def _self_comm():
    return create_communicator("naive", MPI.COMM_SELF)


@settings(deadline=None)
@given(shape=st.tuples(st.integers(2, 4), st.integers(1, 4), st.integers(1, 3)), seed=st.integers(0, 2**16))
def test_one_process_is_plain_batch_normalization(shape, seed):
    rng = np.random.RandomState(seed)
    x = rng.randn(*shape).astype(np.float32)
    gamma = rng.rand(shape[1]).astype(np.float32) + 0.5
    beta = rng.randn(shape[1]).astype(np.float32)
    mean, var = np.zeros(shape[1], np.float32), np.ones(shape[1], np.float32)
    ref_mean, ref_var = mean.copy(), var.copy()
    y = multi_node_batch_normalization(x, gamma, beta, _self_comm(), running_mean=mean, running_var=var)
    ref = kusari.functions.batch_normalization(x, gamma, beta, running_mean=ref_mean, running_var=ref_var)
    np.testing.assert_allclose(y.array, ref.array, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, ref_var, rtol=1e-4, atol=1e-5)
    assert y.dtype == np.float32


def test_gradient_check_one_process():
    rng = np.random.RandomState(3)
    x = rng.randn(4, 3, 2)
    gamma, beta = rng.rand(3) + 0.5, rng.randn(3)
    comm = _self_comm()
    gradient_check.check_backward(lambda x, g, b: multi_node_batch_normalization(x, g, b, comm),
                                  (x, gamma, beta), rng.randn(4, 3, 2), eps=1e-4, atol=1e-4, rtol=1e-4)


def test_errors():
    comm = _self_comm()
    with pytest.raises(InvalidType, match="MultiNodeBatchNormalization: argument 'communication_backend' "
                                          "expected 'mpi', 'nccl' or 'auto', got 'gloo'"):
        MultiNodeBatchNormalization(3, comm, communication_backend="gloo")
    with pytest.raises(InvalidType, match="argument 'communication_backend' expected 'mpi' or 'auto' for a "
                                          "communicator other than 'pure_nccl', got 'nccl'"):
        MultiNodeBatchNormalization(3, comm, communication_backend="nccl")
    with pytest.raises(InvalidType, match="MultiNodeBatchNormalization: argument 'comm' expected a communicator"):
        MultiNodeBatchNormalization(3, None)
    with pytest.raises(InvalidType, match="MultiNodeBatchNormalization: argument 'size' expected"):
        MultiNodeBatchNormalization(None, comm)
    with pytest.raises(InvalidType, match="multi_node_batch_normalization: argument 'comm' expected"):
        multi_node_batch_normalization(np.ones((2, 3), np.float32), np.ones(3, np.float32),
                                       np.zeros(3, np.float32), None)
    with pytest.raises(InvalidType, match="multi_node_batch_normalization: argument 'gamma' expected shape"):
        multi_node_batch_normalization(np.ones((2, 3), np.float32), np.ones(2, np.float32),
                                       np.zeros(2, np.float32), comm)
    bn = MultiNodeBatchNormalization(3, comm, communication_backend="mpi")
    assert bn(np.ones((2, 3), np.float32)).shape == (2, 3)
