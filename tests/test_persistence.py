"""Saving and loading trained classifiers: round trips, and refusing damaged files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hybridroute as hr
from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.datasets import load_banking77
from hybridroute.persistence import load, save

MAGIC = b"HYBRIDROUTE-MODEL 1\n"
PROBE = ["I still have not received my card", "how do I top up by bank transfer"]
UNPICKLED: list[str] = []


def _record_unpickling() -> str:
    UNPICKLED.append("ran")
    return "tripwire"


class Tripwire:
    """Runs code when unpickled, as any pickle can."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_record_unpickling, ())


@pytest.fixture(scope="module")
def small_intent() -> IntentClassifier:
    texts, labels = load_banking77("train", return_X_y=True)
    return IntentClassifier().fit(texts[::25], labels[::25])  # all 77 intents, 401 rows


def _parts(path: Path) -> tuple[dict[str, Any], bytes]:
    content = path.read_bytes()
    assert content.startswith(MAGIC)
    header, payload = content[len(MAGIC) :].split(b"\n", 1)
    return json.loads(header), payload


def test_round_trip_gives_identical_predictions(
    small_intent: IntentClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "intent.hrm"
    save(small_intent, path)
    loaded = load(str(path))
    assert isinstance(loaded, IntentClassifier)
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), small_intent.predict_proba(PROBE))
    assert loaded.classes_ == small_intent.classes_


def test_returned_hash_is_the_one_recorded_in_the_file(
    small_intent: IntentClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "intent.hrm"
    digest = save(small_intent, path)
    header, payload = _parts(path)
    assert digest == header["sha256"] == hashlib.sha256(payload).hexdigest()
    assert header["payload_length"] == len(payload)
    assert header["class"] == "hybridroute.classifiers.intent.IntentClassifier"
    assert header["format_version"] == 1
    assert load(path, expected_sha256=digest.upper()) is not None


def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "model.hrm"
    save({"version": 1}, path)
    save({"version": 2}, path)
    assert os.listdir(tmp_path) == ["model.hrm"]
    assert load(path) == {"version": 2}


def test_flipped_payload_byte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.hrm"
    save({"weights": list(range(1000))}, path)
    content = bytearray(path.read_bytes())
    content[-50] ^= 0xFF
    path.write_bytes(bytes(content))
    with pytest.raises(hr.ModelIntegrityError, match=r"hash mismatch: expected [0-9a-f]{64} got"):
        load(path)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.hrm"
    save({"weights": list(range(1000))}, path)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) - 100])
    with pytest.raises(hr.ModelIntegrityError, match="truncated"):
        load(path)
    path.write_bytes(content[: len(MAGIC) + 10])
    with pytest.raises(hr.ModelIntegrityError, match="truncated"):
        load(path)


@pytest.mark.parametrize(
    "content", [b"", b"not a model at all\n", os.urandom(4096), b"\x80\x04K\x01."]
)
def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "random.bin"
    path.write_bytes(content)
    with pytest.raises(hr.ModelIntegrityError, match="not a hybridroute model file"):
        load(path)


def test_corrupted_metadata_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.hrm"
    save([1, 2, 3], path)
    content = path.read_bytes()
    path.write_bytes(content.replace(b'"sha256"', b'"sha256', 1))
    with pytest.raises(hr.ModelIntegrityError, match="metadata"):
        load(path)


def test_pinned_hash_mismatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.hrm"
    digest = save({"model": "a"}, path)
    other = save({"model": "b"}, tmp_path / "other.hrm")
    assert load(path, expected_sha256=digest) == {"model": "a"}
    with pytest.raises(hr.ModelIntegrityError, match="pinned hash mismatch") as info:
        load(tmp_path / "other.hrm", expected_sha256=digest)
    assert digest in str(info.value) and other in str(info.value)


def test_damaged_file_is_refused_before_any_code_in_it_runs(tmp_path: Path) -> None:
    path = tmp_path / "tripwire.hrm"
    save(Tripwire(), path)
    content = bytearray(path.read_bytes())
    content[-3] ^= 0x01
    path.write_bytes(bytes(content))
    UNPICKLED.clear()
    with pytest.raises(hr.ModelIntegrityError):
        load(path)
    assert UNPICKLED == []


def test_unpicklable_object_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(hr.UsageError, match="cannot be pickled"):
        save(lambda: None, tmp_path / "lambda.hrm")
    assert not any(tmp_path.iterdir())
