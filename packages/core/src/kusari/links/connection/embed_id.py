"""``EmbedID``: a learnable embedding table."""
from __future__ import annotations

from kusari.functions.connection.embed_id import embed_id
from kusari.initializers.normal import Normal
from kusari.link import Link
from kusari.variable import Parameter


class EmbedID(Link):
    """Embedding layer: maps integer ids to rows of ``W``.

    Args:
        in_size: the number of ids (vocabulary size).
        out_size: the size of each embedding vector.
        initialW: initializer, array or scalar for ``W`` (default ``Normal(1.0)``).
        ignore_label: an id whose embedding is a zero vector, or None.

    Attributes:
        W: the embedding matrix, shape ``(in_size, out_size)``.

    Example:
        >>> import numpy as np
        >>> import kusari.links as L
        >>> emb = L.EmbedID(5, 3, ignore_label=-1)
        >>> y = emb(np.array([[0, 4], [-1, 2]], np.int32))
        >>> y.shape, bool((y.array[1, 0] == 0).all())
        ((2, 2, 3), True)
    """

    ignore_label = None

    def __init__(self, in_size, out_size, initialW=None, ignore_label=None):
        super().__init__()
        self.ignore_label = ignore_label
        with self.init_scope():
            if initialW is None:
                initialW = Normal(1.0)
            self.W = Parameter(initialW, (in_size, out_size))

    @classmethod
    def from_params(cls, W, ignore_label=None):
        """An EmbedID holding a copy of the array ``W``.

        Example:
            >>> import numpy as np
            >>> import kusari.links as L
            >>> L.EmbedID.from_params(np.eye(3, dtype=np.float32)).W.shape
            (3, 3)
        """
        from kusari.variable import as_array

        in_size, out_size = W.shape
        return cls(in_size, out_size, initialW=as_array(W), ignore_label=ignore_label)

    @property
    def printable_specs(self):
        yield "in_size", self.W.shape[0]
        yield "out_size", self.W.shape[1]
        yield "ignore_label", self.ignore_label

    def forward(self, x):
        """The embeddings of the ids ``x``."""
        return embed_id(x, self.W, ignore_label=self.ignore_label)
