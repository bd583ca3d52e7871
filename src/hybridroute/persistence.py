"""Save trained classifiers and routers to disk, and load them back intact.

A model file has three parts:

1. the magic line ``HYBRIDROUTE-MODEL 1``, so a wrong file is recognised at once;
2. one line of JSON metadata: format version, hybridroute version, class of the
   saved object, UTC creation time, and the SHA-256 and length of the payload;
3. the payload: the object as written by :func:`joblib.dump` (``compress=3``).

:func:`load` checks the magic line, the payload length and the SHA-256 *before*
unpickling anything, so a truncated, corrupted or swapped file is refused without
running a byte of it.

.. warning::
   Unpickling runs code. Only load model files you trust. The content hash guards
   against corruption and mix-ups, not against someone who can rewrite the whole
   file; for that, pin the hash :func:`save` returned with ``expected_sha256``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import secrets
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from hybridroute.exceptions import ModelIntegrityError, UsageError

__all__ = ["load", "save"]

MAGIC = b"HYBRIDROUTE-MODEL 1\n"
FORMAT_VERSION = 1
_COMPRESS_LEVEL = 3
_RESAVE = "re-save the model with hybridroute.persistence.save"


def _hybridroute_version() -> str:
    try:
        return metadata.version("hybridroute")
    except metadata.PackageNotFoundError:
        return "unknown"


def _dump(obj: object) -> bytes:
    import joblib  # lazy: joblib costs a tenth of a second at import; only saving needs it

    buffer = io.BytesIO()
    try:
        joblib.dump(obj, buffer, compress=_COMPRESS_LEVEL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"cannot save {type(obj).__name__}: it cannot be pickled ({exc}); remove "
            "unpicklable members such as open files, locks or lambdas before saving"
        ) from exc
    return buffer.getvalue()


def _write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    Readers see either the old file or the complete new one, never a partial write.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save(obj: object, path: str | os.PathLike[str]) -> str:
    """Save a trained classifier, router or any picklable object to ``path``.

    Parameters
    ----------
    obj : object
        What to save; it must be picklable.
    path : str or os.PathLike
        Destination file; replaced atomically if it exists. Its folder must exist.

    Returns
    -------
    str
        SHA-256 of the payload, as 64 hex digits. Keep it (in configuration, next to
        a deployment) and pass it to :func:`load` as ``expected_sha256`` to be sure
        the file loaded is exactly the one saved.

    Raises
    ------
    UsageError
        If ``obj`` cannot be pickled.

    Examples
    --------
    >>> import os, tempfile
    >>> from hybridroute.persistence import load, save
    >>> path = os.path.join(tempfile.mkdtemp(), "model.hrm")
    >>> digest = save({"weights": [1, 2, 3]}, path)
    >>> load(path, expected_sha256=digest)
    {'weights': [1, 2, 3]}
    """
    payload = _dump(obj)
    digest = hashlib.sha256(payload).hexdigest()
    header = {
        "format_version": FORMAT_VERSION,
        "hybridroute_version": _hybridroute_version(),
        "class": f"{type(obj).__module__}.{type(obj).__qualname__}",
        "created_at": datetime.now(timezone.utc).isoformat(),
        "sha256": digest,
        "payload_length": len(payload),
    }
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"
    _write_atomically(Path(path), MAGIC + line + payload)
    return digest


def _parse_header(raw: bytes, where: str) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(
            f"{where}: the metadata line is corrupted ({exc}); {_RESAVE}"
        ) from exc
    if not isinstance(header, dict):
        raise ModelIntegrityError(f"{where}: the metadata line is not a JSON object; {_RESAVE}")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelIntegrityError(
            f"{where}: model file format version {version!r} is not supported (this "
            f"hybridroute reads version {FORMAT_VERSION}); load it with the hybridroute "
            f"version that saved it ({header.get('hybridroute_version', 'unknown')}) "
            "or re-save the model"
        )
    sha = header.get("sha256")
    length = header.get("payload_length")
    if not isinstance(sha, str) or not isinstance(length, int) or isinstance(length, bool):
        raise ModelIntegrityError(
            f"{where}: the metadata lacks a valid sha256 or payload_length; {_RESAVE}"
        )
    return header


def _split(content: bytes, where: str) -> tuple[dict[str, Any], bytes]:
    """The metadata and payload of a model file, after checking magic and length."""
    if not content.startswith(MAGIC):
        raise ModelIntegrityError(
            f"{where} is not a hybridroute model file (it does not start with "
            f"{MAGIC.strip().decode()!r}); check that you passed the right path, or "
            f"{_RESAVE}"
        )
    header_end = content.find(b"\n", len(MAGIC))
    if header_end < 0:
        raise ModelIntegrityError(
            f"{where} is truncated: the file ends inside its metadata line; copy the "
            f"file again or {_RESAVE}"
        )
    header = _parse_header(content[len(MAGIC) : header_end], where)
    payload = content[header_end + 1 :]
    expected = header["payload_length"]
    if len(payload) < expected:
        raise ModelIntegrityError(
            f"{where} is truncated: the payload has {len(payload)} of its {expected} "
            f"bytes; the copy or download was interrupted; copy the file again or {_RESAVE}"
        )
    if len(payload) > expected:
        raise ModelIntegrityError(
            f"{where} has {len(payload) - expected} unexpected bytes after its payload; "
            f"the file was altered or two files were joined; {_RESAVE}"
        )
    return header, payload


def load(path: str | os.PathLike[str], *, expected_sha256: str | None = None) -> object:
    """Load an object saved with :func:`save`, after checking it is intact.

    The file's magic line, payload length and SHA-256 are checked before anything is
    unpickled; with ``expected_sha256``, the hash must also equal that pin.

    .. warning::
       Loading runs code stored in the file (it is a pickle). Only load files you
       trust. The stored hash catches corrupted, truncated and swapped files; only
       the pinned ``expected_sha256`` (kept somewhere the file's author cannot
       change) also catches a file that was deliberately rewritten.

    Parameters
    ----------
    path : str or os.PathLike
        The model file.
    expected_sha256 : str, optional
        The hash :func:`save` returned; the load fails unless the file matches it.

    Returns
    -------
    object
        The saved object (a classifier, a router, ...).

    Raises
    ------
    ModelIntegrityError
        If the file is not a model file, is truncated or corrupted, or does not
        match ``expected_sha256``. The message says which, and how to fix it.
    UsageError
        If the file is intact but refers to code missing here (a class of a package
        that is not installed, or of a different version).
    FileNotFoundError
        If there is no file at ``path``.
    """
    where = os.fspath(path)
    header, payload = _split(Path(path).read_bytes(), where)
    recorded = header["sha256"]
    actual = hashlib.sha256(payload).hexdigest()
    if actual != recorded:
        raise ModelIntegrityError(
            f"{where}: content hash mismatch: expected {recorded} got {actual}; the "
            "payload no longer matches the hash recorded when it was saved, so the file is "
            f"corrupted; copy it again or {_RESAVE}"
        )
    if expected_sha256 is not None and expected_sha256.strip().lower() != actual:
        raise ModelIntegrityError(
            f"{where}: pinned hash mismatch: expected_sha256={expected_sha256} but the "
            f"file holds a model with sha256 {actual} (class {header.get('class')}, saved "
            f"{header.get('created_at')}); check you loaded the right file, or update the "
            "pinned hash if the model was deliberately re-trained"
        )
    import joblib  # lazy, as in _dump

    try:
        return joblib.load(io.BytesIO(payload))
    except (ImportError, AttributeError) as exc:
        # The bytes are intact, so the environment differs from the one that saved them.
        raise UsageError(
            f"{where}: the saved {header.get('class')} (hybridroute "
            f"{header.get('hybridroute_version')}) cannot be rebuilt here: {exc}; install "
            "the versions it was saved with, or re-train and re-save the model"
        ) from exc
