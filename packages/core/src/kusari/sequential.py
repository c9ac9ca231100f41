"""``Sequential``: layers (links or plain callables) applied one after another."""
from __future__ import annotations

import copy as _copy
import inspect

from kusari.link import ChainList, Link


class Sequential(ChainList):
    """A model whose forward pass feeds each layer's output to the next layer.

    Layers are links (registered as children, so their parameters are
    trained and saved) or any callables (``F.relu``, lambdas, partials).  A
    layer returning a tuple has it unpacked into the next layer's arguments.

    Child links are named as Chainer v7 names them, so ``.npz`` files move
    between the two.  Note Chainer's order, kept on purpose: a link
    *appended* after the second one is registered right after the first
    child, so ``Sequential(a, b, c)`` names its children ``a: '0'``,
    ``c: '1'``, ``b: '2'`` (``namedparams`` and saved keys follow).

    Example:
        >>> import numpy as np, kusari
        >>> import kusari.functions as F, kusari.links as L
        >>> model = kusari.Sequential(L.Linear(3, 4), F.relu, L.Linear(4, 2))
        >>> model(np.ones((5, 3), np.float32)).shape
        (5, 2)
        >>> len(model), [l.name for l in model.children()]
        (3, ['0', '1'])
    """

    def __init__(self, *layers):
        super().__init__()
        self._layers = []
        for layer in layers:
            self.append(layer)

    # ---- list interface ------------------------------------------------------
    def __len__(self):
        return len(self._layers)

    def __getitem__(self, i):
        return self._layers[i]

    def __iter__(self):
        return iter(self._layers)

    def __reversed__(self):
        return reversed(self._layers)

    def __contains__(self, item):
        return item in self._layers

    def __setitem__(self, i, layer):
        n = len(self._layers)
        if not -n <= i < n:
            raise IndexError(f"Sequential.__setitem__: argument 'i' expected an index in [{-n}, {n}), got {i}")
        _check_callable("Sequential.__setitem__", layer)
        if self._layers[i] is not layer:
            i %= n
            del self[i]
            self.insert(i, layer)

    def __delitem__(self, i):
        layer = self._layers.pop(i)
        if isinstance(layer, Link):
            children = self._children
            for k, child in enumerate(children):
                if child is layer:
                    del children[k]
                    self._renumber(k)
                    break

    def insert(self, i, layer):
        """Insert ``layer`` (a link or a callable) before position ``i``.

        Example:
            >>> import kusari, kusari.functions as F, kusari.links as L
            >>> seq = kusari.Sequential(L.Linear(2, 2))
            >>> seq.insert(0, F.relu)
            >>> [getattr(l, '__name__', type(l).__name__) for l in seq]
            ['relu', 'Linear']
        """
        n = len(self._layers)
        if not -n <= i <= n:
            raise IndexError(f"Sequential.insert: argument 'i' expected an index in [{-n}, {n}], got {i}")
        if i < 0:
            i += n
        _check_callable("Sequential.insert", layer)
        self._layers.insert(i, layer)
        if isinstance(layer, Link):
            if i == 0:
                position = 0
            else:
                # Chainer v7's rule (saved files depend on it): right after
                # the child whose *layer* index is the smallest link index
                # before i, read as a child index.
                first = next((j for j in range(i) if isinstance(self._layers[j], Link)), 0)
                position = first + 1
            self._children.insert(position, layer)
            self._renumber()

    def append(self, layer):
        """Add ``layer`` at the end."""
        self.insert(len(self._layers), layer)

    def extend(self, sequential):
        """Append every layer of ``sequential`` (any iterable of layers)."""
        for layer in sequential:
            self.append(layer)

    def remove(self, layer):
        """Remove the first occurrence of ``layer``."""
        if layer not in self._layers:
            raise ValueError(f"Sequential.remove: argument 'layer' expected a layer of this Sequential, got {layer!r}")
        del self[self._layers.index(layer)]

    def remove_by_layer_type(self, type_name):
        """Remove every layer whose class name (links) or ``__name__`` (functions) is ``type_name``."""
        for layer in [x for x in self._layers if _layer_type_name(x) == type_name]:
            self.remove(layer)

    def pop(self, i=-1):
        """Remove and return the layer at ``i``."""
        layer = self._layers[i]
        del self[i]
        return layer

    def clear(self):
        """Remove every layer."""
        self._layers = []
        self._children = []

    def index(self, layer, start=None, end=None):
        return self._layers[start:end].index(layer)

    def count(self, layer):
        return self._layers.count(layer)

    def count_by_layer_type(self, type_name):
        """How many layers have the class name (links) or ``__name__`` (functions) ``type_name``."""
        return sum(1 for layer in self._layers if _layer_type_name(layer) == type_name)

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"Sequential: + expected a Sequential, got {type(other).__name__}")
        ret = Sequential()
        ret.extend(self)
        ret.extend(other)
        return ret

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"Sequential: += expected a Sequential, got {type(other).__name__}")
        self.extend(other)
        return self

    # ---- computation ---------------------------------------------------------
    def forward(self, *x):
        """Apply the layers in order; a tuple result is unpacked into the next layer."""
        layers = self._layers
        if not layers:
            raise RuntimeError("Sequential.forward: the Sequential has no layers")
        for layer in layers:
            x = layer(*x) if isinstance(x, tuple) else layer(x)
        return x

    # ---- copying -------------------------------------------------------------
    def copy(self, mode="share"):
        """A new Sequential with each link copied in ``mode`` (see ``Link.copy``)."""
        ret = Sequential()
        for layer in self._layers:
            ret.append(layer.copy(mode) if isinstance(layer, Link) else _copy.copy(layer))
        return ret

    def copyparams(self, link, copy_persistent=True):
        """Copy parameters from another Sequential of the same layout."""
        if not isinstance(link, Sequential):
            raise ValueError(
                f"Sequential.copyparams: argument 'link' expected a Sequential, got {type(link).__name__}")
        if len(link._layers) != len(self._layers):
            raise ValueError(
                f"Sequential.copyparams: argument 'link' expected a Sequential of {len(self._layers)} "
                f"layers, got {len(link._layers)}")
        for mine, theirs in zip(self._layers, link._layers, strict=True):
            if isinstance(mine, Link):
                mine.copyparams(theirs, copy_persistent)

    def flatten(self):
        """A Sequential with nested Sequentials replaced by their layers.

        Example:
            >>> import kusari, kusari.functions as F
            >>> inner = kusari.Sequential(F.relu, F.relu)
            >>> len(kusari.Sequential(F.relu, inner).flatten())
            3
        """
        ret = Sequential()
        for layer in self._layers:
            if isinstance(layer, Sequential):
                ret.extend(layer.flatten())
            else:
                ret.append(layer)
        return ret

    def __reduce__(self):
        if any(getattr(layer, "__name__", None) == "<lambda>" for layer in self._layers):
            raise ValueError(
                "Sequential: a Sequential holding a lambda cannot be pickled; "
                "use functools.partial or a named function instead")
        return super().__reduce__()

    def __str__(self):
        lines = []
        for index, layer in enumerate(self._layers):
            for line in f"({index}): {_layer_text(layer)},".splitlines():
                lines.append(f"  {line}\n")
        body = "".join(lines)
        return f"{type(self).__name__}({chr(10) + body if body else ''})"

    def __repr__(self):
        lines = [f"{type(self).__name__}("]
        for index, layer in enumerate(self._layers):
            text = repr(layer) if isinstance(layer, Link) else _layer_text(layer)
            first, *rest = text.splitlines() or [""]
            lines.append(f"  ({index}): {first}")
            lines.extend("  " + line for line in rest)
        lines.append(")")
        return "\n".join(lines) if self._layers else f"{type(self).__name__}()"


def _check_callable(where, layer):
    if not callable(layer):
        raise ValueError(f"{where}: argument 'layer' expected a callable (a link or a function), "
                        f"got {type(layer).__name__} {layer!r}")


def _layer_type_name(layer):
    return type(layer).__name__ if isinstance(layer, Link) else getattr(layer, "__name__", type(layer).__name__)


def _layer_text(layer):
    if getattr(layer, "__name__", None) == "<lambda>":
        try:
            return inspect.getsource(layer).strip().rstrip(",")
        except (OSError, TypeError):
            return repr(layer)
    return str(layer)
