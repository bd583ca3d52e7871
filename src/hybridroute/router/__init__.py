"""The routing core: classifiers, then policy, then responder, for a batch of tickets."""

from hybridroute.router.listeners import listening
from hybridroute.router.router import Router

__all__ = ["Router", "listening"]
