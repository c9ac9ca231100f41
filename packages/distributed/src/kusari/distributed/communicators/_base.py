"""The MPI communicator base: ranks, splitting, array and object collectives.

Subclasses only add :meth:`MpiCommunicatorBase.multi_node_mean_grad`. Arrays
travel as raw bytes (so every NumPy dtype, float16 and bool included, moves
exactly) after a small pickled header with their shapes and dtypes. Arrays of
other array modules (CuPy) are staged through host memory.
"""
from __future__ import annotations

import warnings

import numpy

from kusari.distributed.communicators._hooks import CollectiveWatchdog
from kusari.utils import type_check


class ArgumentError(type_check.InvalidType, ValueError):
    """Bad argument to a communicator API; a ``ValueError`` too, as ChainerMN raised."""


def fail(func: str, arg: str, expected: str, actual: str):
    """Raise :class:`ArgumentError` in the house message format.

    Example:
        >>> from kusari.distributed.communicators._base import fail
        >>> try:
        ...     fail('f', 'x', 'an int', 'str')
        ... except ValueError as e:
        ...     print(e)
        f: argument 'x' expected an int, got str
    """
    raise ArgumentError(f"{func}: argument {arg!r} expected {expected}, got {actual}", expected, actual)


def _to_host(array):
    """NumPy view/copy of ``array`` that is C-contiguous (CuPy arrays are copied to host)."""
    if isinstance(array, numpy.ndarray):
        return numpy.ascontiguousarray(array)
    return numpy.ascontiguousarray(array.get())


def _like(host, like):
    """Move ``host`` back to the array module of ``like``."""
    if isinstance(like, numpy.ndarray):
        return host
    import cupy  # only reached with CuPy inputs

    return cupy.asarray(host)


def _bytes(array):
    from mpi4py import MPI

    return [array, array.nbytes, MPI.BYTE]


def _is_array(x):
    return hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "__array__") or (
        hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "get"))


def _describe(x):
    return type(x).__name__ if not _is_array(x) else f"array(shape={x.shape}, dtype={x.dtype})"


def _init_ranks(mpi_comm):
    """(intra_rank, intra_size, inter_rank, inter_size) via shared-memory splitting."""
    from mpi4py import MPI

    intra = mpi_comm.Split_type(MPI.COMM_TYPE_SHARED, key=mpi_comm.rank)
    try:
        intra_rank, intra_size = intra.rank, intra.size
        is_leader = int(intra_rank == 0)
        # Nodes are numbered in the order of their lowest global rank.
        before = mpi_comm.exscan(is_leader)
        node = intra.bcast(0 if mpi_comm.rank == 0 else before, root=0)
        inter_size = mpi_comm.allreduce(is_leader)
    finally:
        intra.Free()
    return intra_rank, intra_size, node, inter_size


class MpiCommunicatorBase:
    """Communicator over an mpi4py communicator; create it with ``create_communicator``.

    Attributes:
        mpi_comm: the underlying ``mpi4py.MPI.Comm``.

    Example:
        >>> from kusari.distributed import communicators
        >>> comm = communicators.create_communicator('naive')
        >>> (comm.rank, comm.size, comm.intra_size, comm.inter_size)
        (0, 1, 1, 1)
    """

    def __init__(self, mpi_comm, allreduce_grad_dtype=None, batched_copy=True, timeout=None):
        self.mpi_comm = mpi_comm
        self.allreduce_grad_dtype = None if allreduce_grad_dtype is None else numpy.dtype(allreduce_grad_dtype)
        self.batched_copy = batched_copy
        self.timeout = timeout
        self._watchdog = CollectiveWatchdog(timeout)
        with self._watchdog.guard("init_ranks"):
            self._intra_rank, self._intra_size, self._inter_rank, self._inter_size = _init_ranks(mpi_comm)

    # ranks ---------------------------------------------------------------
    @property
    def rank(self):
        return self.mpi_comm.rank

    @property
    def size(self):
        return self.mpi_comm.size

    @property
    def intra_rank(self):
        return self._intra_rank

    @property
    def intra_size(self):
        return self._intra_size

    @property
    def inter_rank(self):
        return self._inter_rank

    @property
    def inter_size(self):
        return self._inter_size

    def set_config(self, name, value=True, **kwargs):
        """Set ``'batched_copy'`` or ``'allreduce_grad_dtype'``."""
        if name == "batched_copy":
            self.batched_copy = value
        elif name == "allreduce_grad_dtype":
            self.allreduce_grad_dtype = None if value is None else numpy.dtype(value)
        else:
            fail("set_config", "name", "'batched_copy' or 'allreduce_grad_dtype'", repr(name))

    def get_config(self, name=None):
        """Value of a config set by :meth:`set_config` (all of them as a dict when ``name`` is None)."""
        configs = {"batched_copy": self.batched_copy, "allreduce_grad_dtype": self.allreduce_grad_dtype}
        if name is None:
            return configs
        if name not in configs:
            fail("get_config", "name", "'batched_copy' or 'allreduce_grad_dtype'", repr(name))
        return configs[name]

    def split(self, color, key):
        """A communicator of the same class over the processes sharing ``color``, ordered by ``key``."""
        return self.__class__(self.mpi_comm.Split(color, key), allreduce_grad_dtype=self.allreduce_grad_dtype,
                              batched_copy=self.batched_copy, timeout=self.timeout)

    def finalize(self):
        """Release the communicator's resources (its watchdog thread); do not use it afterwards."""
        self._watchdog.stop()

    # argument checks -----------------------------------------------------
    def _check_peer(self, func, arg, value):
        if not isinstance(value, (int, numpy.integer)) or isinstance(value, bool) or not 0 <= value < self.size:
            fail(func, arg, f"a rank in [0, {self.size})", repr(value))

    def _check_array(self, func, arg, x):
        if not _is_array(x):
            fail(func, arg, "a numpy/cupy array", _describe(x))

    # arrays --------------------------------------------------------------
    def send(self, data, dest, tag):
        """Send an array or a tuple/list of arrays to ``dest``; shapes and dtypes travel along."""
        self._check_peer("send", "dest", dest)
        arrays = data if isinstance(data, (tuple, list)) else [data]
        for x in arrays:
            self._check_array("send", "data", x)
        header = (isinstance(data, (tuple, list)), [(x.shape, x.dtype.str) for x in arrays])
        with self._watchdog.guard("send"):
            self.mpi_comm.send(header, dest=dest, tag=tag)
            for x in arrays:
                self.mpi_comm.Send(_bytes(_to_host(x)), dest=dest, tag=tag)

    def recv(self, source, tag):
        """Receive what :meth:`send` sent: an array, or a tuple when a tuple/list was sent."""
        self._check_peer("recv", "source", source)
        with self._watchdog.guard("recv"):
            is_tuple, metas = self.mpi_comm.recv(source=source, tag=tag)
            out = []
            for shape, dtype in metas:
                buf = numpy.empty(shape, dtype=dtype)
                self.mpi_comm.Recv(_bytes(buf), source=source, tag=tag)
                out.append(buf)
        return tuple(out) if is_tuple else out[0]

    def bcast(self, x, root=0):
        """The root's array on every rank (non-root ranks may pass ``None``)."""
        self._check_peer("bcast", "root", root)
        if self.rank == root:
            self._check_array("bcast", "x", x)
        with self._watchdog.guard("bcast"):
            meta = self.mpi_comm.bcast((x.shape, x.dtype.str) if self.rank == root else None, root=root)
            buf = _to_host(x) if self.rank == root else numpy.empty(meta[0], dtype=meta[1])
            self.mpi_comm.Bcast(_bytes(buf), root=root)
        return x if self.rank == root else buf

    def gather(self, x, root=0):
        """Tuple of every rank's array on ``root`` (shapes may differ, dtypes must match); None elsewhere."""
        self._check_peer("gather", "root", root)
        self._check_array("gather", "x", x)
        host = _to_host(x)
        with self._watchdog.guard("gather"):
            metas = self.mpi_comm.gather((host.shape, host.dtype.str), root=root)
            if self.rank != root:
                self.mpi_comm.Gatherv(_bytes(host), None, root=root)
                return None
            dtypes = {d for _, d in metas}
            counts = [int(numpy.prod(s, dtype=numpy.int64)) * host.dtype.itemsize for s, _ in metas]
            recv = numpy.empty(sum(counts), dtype=numpy.uint8)
            from mpi4py import MPI

            displs = numpy.concatenate([[0], numpy.cumsum(counts)[:-1]]).astype(int).tolist()
            self.mpi_comm.Gatherv(_bytes(host), [recv, (counts, displs), MPI.BYTE], root=root)
        if len(dtypes) != 1:
            fail("gather", "x", "the same dtype on every rank", f"{sorted(dtypes)}")
        return tuple(_like(recv[o:o + c].view(host.dtype).reshape(s), x)
                     for o, c, (s, _) in zip(displs, counts, metas))

    def allgather(self, x):
        """Tuple of every rank's array, on every rank."""
        self._check_array("allgather", "x", x)
        with self._watchdog.guard("allgather"):
            got = self.gather(x, root=0)
            return tuple(self.bcast(got[r] if self.rank == 0 else None, root=0) for r in range(self.size))

    def allreduce(self, x):
        """Elementwise SUM of every rank's array (same shape on all ranks), as ChainerMN's ``allreduce``."""
        self._check_array("allreduce", "x", x)
        host = _to_host(x)
        with self._watchdog.guard("allreduce"):
            out = _sum_in_place(self.mpi_comm, host.copy())
        return _like(out, x)

    # objects -------------------------------------------------------------
    def send_obj(self, obj, dest, tag=0):
        """Send any picklable object to ``dest``."""
        self._check_peer("send_obj", "dest", dest)
        with self._watchdog.guard("send_obj"):
            self.mpi_comm.send(obj, dest=dest, tag=tag)

    def recv_obj(self, source, status=None, tag=None):
        """Receive an object sent by :meth:`send_obj` (any tag when ``tag`` is None)."""
        from mpi4py import MPI

        self._check_peer("recv_obj", "source", source)
        with self._watchdog.guard("recv_obj"):
            return self.mpi_comm.recv(source=source, status=status, tag=MPI.ANY_TAG if tag is None else tag)

    def bcast_obj(self, obj, max_buf_len=256 * 1024 * 1024, root=0):
        """The root's object on every rank. ``max_buf_len`` is accepted for ChainerMN compatibility."""
        self._check_peer("bcast_obj", "root", root)
        with self._watchdog.guard("bcast_obj"):
            return self.mpi_comm.bcast(obj, root=root)

    def gather_obj(self, obj, root=0):
        """List of every rank's object on ``root``; None elsewhere."""
        self._check_peer("gather_obj", "root", root)
        with self._watchdog.guard("gather_obj"):
            return self.mpi_comm.gather(obj, root=root)

    def allreduce_obj(self, obj):
        """Sum (``+``) of every rank's object, on every rank."""
        with self._watchdog.guard("allreduce_obj"):
            return self.mpi_comm.allreduce(obj)

    # models --------------------------------------------------------------
    def bcast_data(self, model):
        """Overwrite every initialized parameter of ``model`` with rank 0's values, in place."""
        with self._watchdog.guard("bcast_data"):
            for _, param in sorted(model.namedparams()):
                data = param.array
                if data is None:
                    continue
                host = _to_host(data)
                self.mpi_comm.Bcast(_bytes(host), root=0)
                if host is not data:
                    data[...] = _like(host, data)

    broadcast_data = bcast_data

    def multi_node_mean_grad(self, model, zero_fill=False):
        """Replace each parameter's grad with its mean over all processes."""
        raise NotImplementedError

    def allreduce_grad(self, model, zero_fill=False):
        """Deprecated alias of :meth:`multi_node_mean_grad`."""
        warnings.warn("allreduce_grad() is deprecated; use multi_node_mean_grad()", DeprecationWarning, stacklevel=2)
        self.multi_node_mean_grad(model, zero_fill)

    def _grad_params(self, model, zero_fill):
        """Parameters taking part in the mean, in a rank-independent order; fills None grads if asked."""
        params = []
        for _, param in sorted(model.namedparams()):
            if param.array is None:
                continue
            if param.grad is None:
                if not zero_fill:
                    continue
                # numpy.zeros_like dispatches to CuPy through __array_function__.
                param.grad = numpy.zeros_like(param.array)
            params.append(param)
        return params

    def _wire_dtype(self, grad_dtype):
        return self.allreduce_grad_dtype if self.allreduce_grad_dtype is not None else numpy.dtype(grad_dtype)


_FLOAT16_SUM = None


def _float16_sum_op():
    """An MPI op summing float16 (MPI has no portable half type)."""
    global _FLOAT16_SUM
    if _FLOAT16_SUM is None:
        from mpi4py import MPI

        def add(inbuf, inoutbuf, datatype):
            a = numpy.frombuffer(inbuf, dtype=numpy.float16)
            b = numpy.frombuffer(inoutbuf, dtype=numpy.float16)
            numpy.add(a, b, out=b)

        half = MPI.BYTE.Create_contiguous(2).Commit()
        _FLOAT16_SUM = (MPI.Op.Create(add, commute=True), half)
    return _FLOAT16_SUM


def _sum_in_place(mpi_comm, buf):
    """Allreduce-SUM a contiguous host array in place and return it."""
    from mpi4py import MPI

    if buf.dtype == numpy.float16:
        op, half = _float16_sum_op()
        mpi_comm.Allreduce(MPI.IN_PLACE, [buf, buf.size, half], op=op)
    elif buf.dtype == numpy.bool_:
        as_int = buf.astype(numpy.int32)
        mpi_comm.Allreduce(MPI.IN_PLACE, as_int, op=MPI.SUM)
        buf[...] = as_int.astype(bool)
    else:
        mpi_comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
    return buf


def mean_in_place(mpi_comm, host, wire_dtype):
    """Mean over ranks of a contiguous host array: scaled first so float16 does not overflow."""
    wire = (host * host.dtype.type(1.0 / mpi_comm.size)).astype(wire_dtype, copy=False)
    return _sum_in_place(mpi_comm, numpy.ascontiguousarray(wire))
