"""The frozen, strict base model every boundary type derives from."""

from __future__ import annotations

from typing import Any

import pydantic
from pydantic import ConfigDict

from hybridroute.exceptions import ValidationError

__all__ = ["FrozenModel"]


def _records(exc: pydantic.ValidationError) -> list[dict[str, Any]]:
    """Flatten pydantic's errors, expanding those raised by nested models of ours."""
    records: list[dict[str, Any]] = []
    for err in exc.errors(include_url=False):
        inner = err.get("ctx", {}).get("error")
        if isinstance(inner, ValidationError):
            # A nested FrozenModel's __init__ already described its problems.
            for rec in inner.errors:
                records.append({**rec, "loc": (*err["loc"], *rec["loc"])})
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field; remove it or check its spelling"
        records.append(
            {"loc": tuple(err["loc"]), "msg": msg, "type": err["type"], "input": err.get("input")}
        )
    return records


def _describe(exc: pydantic.ValidationError) -> tuple[str, list[dict[str, Any]]]:
    """One readable line per offending field, and the records behind them."""
    records = _records(exc)
    lines = []
    for rec in records:
        where = ".".join(str(part) for part in rec["loc"]) or "(whole object)"
        shown = repr(rec.get("input"))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        lines.append(f"  {where}: {rec['msg']} (got {shown})")
    count = len(lines)
    head = f"invalid {exc.title}: {count} problem{'s' if count != 1 else ''}"
    return "\n".join([head, *lines]), records


class FrozenModel(pydantic.BaseModel):
    """Immutable, strict model: unknown fields are rejected, values never change.

    Validation failures raise :class:`hybridroute.ValidationError`, which names
    every offending field, instead of pydantic's own exception.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            message, records = _describe(exc)
            raise ValidationError(message, records) from exc

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except pydantic.ValidationError as exc:
            message, records = _describe(exc)
            raise ValidationError(message, records) from exc

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except pydantic.ValidationError as exc:
            message, records = _describe(exc)
            raise ValidationError(message, records) from exc
