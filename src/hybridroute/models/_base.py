"""The frozen, strict base model every boundary type derives from."""

from __future__ import annotations

from typing import Any

import pydantic
from pydantic import ConfigDict

from hybridroute.exceptions import ValidationError

__all__ = ["FrozenModel"]


def _describe(exc: pydantic.ValidationError) -> tuple[str, list[dict[str, object]]]:
    """Turn pydantic's error into one readable line per offending field."""
    lines = []
    records: list[dict[str, object]] = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"]) or "(model)"
        got = err.get("input")
        shown = repr(got) if len(repr(got)) <= 60 else repr(got)[:57] + "..."
        detail = err["msg"]
        if err["type"] == "extra_forbidden":
            detail = "unknown field; remove it or check its spelling"
        lines.append(f"  {where}: {detail} (got {shown})")
        records.append({"loc": err["loc"], "msg": detail, "type": err["type"]})
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
