"""Loaders for the built-in data sets."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal, overload

from hybridroute.exceptions import DatasetError
from hybridroute.models import Ticket

__all__ = ["ATTRIBUTION", "OUT_OF_SCOPE", "Dataset", "load_banking77", "load_clinc150"]

OUT_OF_SCOPE = "oos"
"""Label of out-of-scope tickets: nothing the assistant may answer."""

ATTRIBUTION = {
    "banking77": (
        "BANKING77 by PolyAI (Casanueva et al., 'Efficient Intent Detection with Dual "
        "Sentence Encoders', 2020), CC BY 4.0, github.com/PolyAI-LDN/task-specific-datasets"
    ),
    "clinc150": (
        "CLINC150 by Clinc (Larson et al., 'An Evaluation Dataset for Intent Classification "
        "and Out-of-Scope Prediction', EMNLP 2019), CC BY 3.0, github.com/clinc/oos-eval"
    ),
}


@dataclass(frozen=True)
class Dataset:
    """A labelled set of tickets.

    Attributes
    ----------
    tickets : list of Ticket
        One ticket per example, ids ``"<name>-<subset>-<row>"``.
    labels : list of str
        The intent of each ticket (``"oos"`` for out-of-scope).
    label_names : list of str
        Every label, sorted.
    name, subset, description : str
        Which data, which part, and where it comes from (with attribution).
    """

    tickets: list[Ticket]
    labels: list[str]
    label_names: list[str]
    name: str
    subset: str
    description: str = field(repr=False)

    @property
    def texts(self) -> list[str]:
        """The ticket texts, in order."""
        return [t.text for t in self.tickets]

    def __len__(self) -> int:
        return len(self.tickets)


def _read(name: str, filename: str) -> bytes:
    try:
        resource = (
            resources.files("hybridroute.datasets")
            .joinpath("data")
            .joinpath(name)
            .joinpath(filename)
        )
        return gzip.decompress(resource.read_bytes())
    except (FileNotFoundError, OSError) as exc:
        raise DatasetError(
            f"built-in data set file {name}/{filename} is missing from the installed "
            "package; reinstall hybridroute (pip install --force-reinstall hybridroute)"
        ) from exc


@lru_cache(maxsize=4)
def _banking77_rows(subset: str) -> tuple[tuple[str, str], ...]:
    text = _read("banking77", f"{subset}.csv.gz").decode("utf-8")
    return tuple((row["text"], row["category"]) for row in csv.DictReader(io.StringIO(text)))


@lru_cache(maxsize=1)
def _clinc150_json() -> dict[str, list[list[str]]]:
    data: dict[str, list[list[str]]] = json.loads(_read("clinc150", "data_full.json.gz"))
    return data


def _build(
    name: str, subset: str, rows: Sequence[tuple[str, str]], return_X_y: bool
) -> Dataset | tuple[list[str], list[str]]:
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    if return_X_y:
        return texts, labels
    tickets = [Ticket(id=f"{name}-{subset}-{i}", body=text) for i, text in enumerate(texts)]
    return Dataset(
        tickets=tickets,
        labels=labels,
        label_names=sorted(set(labels)),
        name=name,
        subset=subset,
        description=ATTRIBUTION[name],
    )


def _check_subset(subset: str, allowed: Sequence[str]) -> None:
    if subset not in allowed:
        raise DatasetError(f"unknown subset {subset!r}; choose one of {', '.join(allowed)}")


@overload
def load_banking77(subset: str = ..., *, return_X_y: Literal[False] = ...) -> Dataset: ...
@overload
def load_banking77(
    subset: str = ..., *, return_X_y: Literal[True]
) -> tuple[list[str], list[str]]: ...
def load_banking77(
    subset: str = "train", *, return_X_y: bool = False
) -> Dataset | tuple[list[str], list[str]]:
    """Load BANKING77: 77 online-banking intents.

    Parameters
    ----------
    subset : {"train", "test", "all"}
        ``"train"`` (10,003 rows), ``"test"`` (3,080) or both concatenated.
    return_X_y : bool
        Return ``(texts, labels)`` instead of a :class:`Dataset`.

    Returns
    -------
    Dataset or (list of str, list of str)

    Examples
    --------
    >>> from hybridroute.datasets import load_banking77
    >>> texts, labels = load_banking77("test", return_X_y=True)
    >>> len(texts), labels[0]
    (3080, 'card_arrival')
    """
    _check_subset(subset, ("train", "test", "all"))
    parts = ("train", "test") if subset == "all" else (subset,)
    rows = [row for part in parts for row in _banking77_rows(part)]
    return _build("banking77", subset, rows, return_X_y)


_CLINC_SUBSETS = ("train", "val", "test", "all")


@overload
def load_clinc150(
    subset: str = ..., *, include_oos: bool = ..., return_X_y: Literal[False] = ...
) -> Dataset: ...
@overload
def load_clinc150(
    subset: str = ..., *, include_oos: bool = ..., return_X_y: Literal[True]
) -> tuple[list[str], list[str]]: ...
def load_clinc150(
    subset: str = "train", *, include_oos: bool = True, return_X_y: bool = False
) -> Dataset | tuple[list[str], list[str]]:
    """Load CLINC150: 150 intents in 10 domains, plus out-of-scope queries.

    Parameters
    ----------
    subset : {"train", "val", "test", "all"}
        The "Full" split of Larson et al.: train 15,000 + 100 oos, val 3,000 + 100 oos,
        test 4,500 + 1,000 oos.
    include_oos : bool
        Include the out-of-scope rows, labelled ``"oos"`` (:data:`OUT_OF_SCOPE`).
    return_X_y : bool
        Return ``(texts, labels)`` instead of a :class:`Dataset`.

    Returns
    -------
    Dataset or (list of str, list of str)
    """
    _check_subset(subset, _CLINC_SUBSETS)
    data = _clinc150_json()
    parts = ("train", "val", "test") if subset == "all" else (subset,)
    rows: list[tuple[str, str]] = []
    for part in parts:
        rows.extend((text, label) for text, label in data[part])
        if include_oos:
            rows.extend((text, label) for text, label in data[f"oos_{part}"])
    return _build("clinc150", subset, rows, return_X_y)
