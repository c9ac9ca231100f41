"""What the links with sampled negative ids (BlackOut, NegativeSampling) share."""
from __future__ import annotations

from kusari.link import Link


class SampledOutputLink(Link):
    """A link with output embeddings ``W`` ``(n_ids, in_size)`` and a ``sampler`` of negative ids.

    The sampler (a :class:`~kusari.utils.WalkerAlias`) holds arrays of its
    own, so it moves with the link between devices.  Subclasses set
    ``self.W``, ``self.sampler`` and ``self.sample_size``.

    Example:
        >>> import numpy as np
        >>> from kusari.links.loss.black_out import BlackOut
        >>> link = BlackOut(2, [1, 2, 3], sample_size=1).to_cpu()
        >>> link.sampler.device == link.device, dict(link.printable_specs)
        (True, {'in_size': 2, 'n_ids': 3, 'sample_size': 1})
    """

    @property
    def printable_specs(self):
        yield "in_size", self.W.shape[1]
        yield "n_ids", self.W.shape[0]
        yield "sample_size", self.sample_size

    def to_device(self, device):
        """Send ``W`` and the sampler's tables to ``device``; returns self."""
        super().to_device(device)
        self.sampler.to_device(self.device)
        return self
