"""Labelled CSV files, read by the evaluation pipeline outside the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridroute import exceptions
from hybridroute.evaluation import LabelledData, read_labelled_csv
from hybridroute.exceptions import CsvFormatError, HybridRouteError, UsageError


def test_reads_text_and_label_columns_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("id,Label,TEXT\n1,card, where is my card \n\n2,oos,tell me a joke\n", "utf-8")
    data = read_labelled_csv(path)
    assert data == LabelledData(["where is my card", "tell me a joke"], ["card", "oos"], str(path))
    assert len(data) == 2


def test_a_bad_file_is_a_usage_error_of_the_exception_tree(tmp_path: Path) -> None:
    assert issubclass(CsvFormatError, UsageError) and issubclass(CsvFormatError, HybridRouteError)
    assert "CsvFormatError" in exceptions.__all__
    assert "CsvFormatError" in (exceptions.__doc__ or "")
    path = tmp_path / "quoted.csv"
    path.write_text('text,label\n"never closed,card\n', "utf-8")
    with pytest.raises(UsageError, match=r"quoted\.csv, line \d+: not valid CSV"):
        read_labelled_csv(path)


def test_empty_texts_stop_the_read_unless_skipped(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text('text,label\nhello,card\n,card\n"  ",oos\nbye,oos\n', "utf-8")
    with pytest.raises(CsvFormatError, match=r"line 3: empty text"):
        read_labelled_csv(path)
    data = read_labelled_csv(path, strict=False)
    assert data.texts == ["hello", "bye"] and data.labels == ["card", "oos"]
    assert data.skipped_lines == (3, 4)


def test_an_empty_label_is_an_error_even_when_skipping_empty_texts(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("text,label\nhello,card\nwhere is it,\n", "utf-8")
    with pytest.raises(CsvFormatError, match=r"line 3: empty label"):
        read_labelled_csv(path, strict=False)
