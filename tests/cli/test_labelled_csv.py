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
