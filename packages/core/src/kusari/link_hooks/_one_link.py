"""The base of link hooks that rewrite one link's weight (SpectralNormalization, WeightStandardization)."""
from __future__ import annotations

from kusari.link_hook import LinkHook


class OneLinkWeightHook(LinkHook):
    """A hook that only makes sense on one link, never thread-wide: ``with hook:`` is refused.

    Subclasses set ``_doing`` (what the hook does to the weight, for the
    messages) and ``weight_name``, and extend :meth:`added`.
    """

    _doing = "changes"

    def __enter__(self):
        raise NotImplementedError(
            f"{type(self).__name__} {self._doing} one link's weight: register it with "
            "link.add_hook(hook), not with a `with` block")

    def __exit__(self, *exc_info):
        raise NotImplementedError

    def added(self, link) -> None:
        """Check that ``link`` exists and has the weight (subclasses call this first)."""
        name = type(self).__name__
        if link is None:
            raise NotImplementedError(f"{name} must be added to a link (link.add_hook(hook))")
        if not hasattr(link, self.weight_name):
            raise ValueError(f"{name}: the link has no weight {self.weight_name!r}")
