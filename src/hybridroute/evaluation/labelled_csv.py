"""Read labelled tickets from a CSV file with columns ``text,label``, validated at the edge."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from hybridroute.exceptions import CsvFormatError

__all__ = ["REQUIRED_COLUMNS", "LabelledData", "read_labelled_csv"]

REQUIRED_COLUMNS = ("text", "label")


@dataclass(frozen=True)
class LabelledData:
    """Texts and their labels, where they came from, and the rows left out.

    ``skipped_lines`` are the file's line numbers of rows skipped for an empty text
    (only when read with ``strict=False``).
    """

    texts: list[str]
    labels: list[str]
    source: str
    skipped_lines: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.texts)


def _open_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CsvFormatError(f"{path}: file not found; check the path") from exc
    except IsADirectoryError as exc:
        raise CsvFormatError(f"{path}: is a folder; pass a CSV file") from exc
    except OSError as exc:
        raise CsvFormatError(
            f"{path}: cannot be read ({exc.strerror}); check its permissions"
        ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvFormatError(
            f"{path}, line {line}: not valid UTF-8 (byte {raw[exc.start]:#04x}); save the "
            "file as UTF-8 (in a spreadsheet: 'CSV UTF-8')"
        ) from exc


def read_labelled_csv(path: str | os.PathLike[str], *, strict: bool = True) -> LabelledData:
    """Read ``text,label`` rows; other columns are ignored.

    Parameters
    ----------
    path : str or os.PathLike
        A UTF-8 CSV file with a header row naming at least ``text`` and ``label``.
    strict : bool, default True
        Stop at the first row with an empty text. With False, such rows (an empty
        ticket in a history export) are skipped and their line numbers kept in
        ``LabelledData.skipped_lines``. A row with a text but no label is an error
        either way: it is a labelling mistake, not an empty ticket.

    Returns
    -------
    LabelledData

    Raises
    ------
    CsvFormatError
        If the file is missing, unreadable, not UTF-8, not CSV, lacks a column,
        has a row with an empty label (or, when ``strict``, an empty text), or has
        no rows. The message names
        the file and the line, and says how to fix it.
    """
    file = Path(path)
    content = _open_text(file)
    reader = csv.reader(content.splitlines(keepends=True), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise CsvFormatError(
                f"{file}: the file is empty; it needs a header row 'text,label' and one row "
                "per ticket"
            )
        names = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise CsvFormatError(
                f"{file}, line 1: missing column(s) {', '.join(missing)} (found: "
                f"{', '.join(repr(h) for h in header) or 'nothing'}); the first row must name "
                "the columns, e.g. 'text,label'"
            )
        text_at, label_at = names.index("text"), names.index("label")
        texts: list[str] = []
        labels: list[str] = []
        skipped: list[int] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are harmless
            if len(row) <= max(text_at, label_at):
                raise CsvFormatError(
                    f"{file}, line {line}: {len(row)} field(s) where the header has "
                    f'{len(header)}; quote texts that contain commas ("like, this")'
                )
            text, label = row[text_at].strip(), row[label_at].strip()
            if not text and not strict:
                skipped.append(line)
                continue
            if not text:
                raise CsvFormatError(
                    f"{file}, line {line}: empty text; remove the row or fill in the ticket's text"
                )
            if not label:
                raise CsvFormatError(
                    f"{file}, line {line}: empty label; give the ticket's intent (or 'oos' "
                    "if it is out of scope) or remove the row"
                )
            texts.append(text)
            labels.append(label)
    except csv.Error as exc:
        raise CsvFormatError(
            f"{file}, line {reader.line_num}: not valid CSV ({exc}); check the quoting"
        ) from exc
    if not texts:
        raise CsvFormatError(f"{file}: no data rows after the header; add labelled tickets")
    return LabelledData(texts=texts, labels=labels, source=str(file), skipped_lines=tuple(skipped))
