"""Text utilities shared by the detectors: see :func:`normalize_for_matching`."""

from __future__ import annotations

from hybridroute.text.normalize import fold_pattern, normalize_for_matching

__all__ = ["fold_pattern", "normalize_for_matching"]
