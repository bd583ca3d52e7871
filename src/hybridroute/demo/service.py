"""A small router for trying the webhook service (and for its crash test).

``hybridroute.demo.service:build_router`` trains the default intent classifier on a
fifth of BANKING77 train (a few seconds) and routes with the banking demo policy.
"""

from __future__ import annotations

from hybridroute.classifiers import IntentClassifier
from hybridroute.datasets import load_banking77
from hybridroute.demo.run import build_demo_router
from hybridroute.router import Router

__all__ = ["build_router"]


def build_router(sample_every: int = 5) -> Router:
    """The banking demo router, trained on every ``sample_every``-th training ticket."""
    texts, labels = load_banking77("train", return_X_y=True)
    clf = IntentClassifier().fit(texts[::sample_every], labels[::sample_every])
    return build_demo_router(clf)
