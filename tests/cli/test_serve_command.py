"""``hybridroute serve`` options: --log-level and the logging it configures."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from hybridroute.cli.main import build_parser
from hybridroute.cli.service_commands import configure_logging


@pytest.fixture()
def clean_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("hybridroute")
    saved = (logger.level, list(logger.handlers), logger.propagate)
    yield logger
    logger.setLevel(saved[0])
    logger.handlers[:] = saved[1]
    logger.propagate = saved[2]


def test_the_log_level_defaults_to_info() -> None:
    args = build_parser().parse_args(["serve", "--config", "s.toml"])
    assert args.log_level == "info"


@pytest.mark.parametrize("level", ["debug", "info", "warning", "error"])
def test_every_log_level_is_accepted(level: str) -> None:
    args = build_parser().parse_args(["serve", "--config", "s.toml", "--log-level", level])
    assert args.log_level == level


def test_an_unknown_log_level_is_refused_with_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["serve", "--config", "s.toml", "--log-level", "loud"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--log-level: invalid choice: 'loud'" in err
    assert "'debug', 'info', 'warning', 'error'" in err


def test_configure_logging_sends_hybridroute_records_to_stderr(
    clean_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info")
    logging.getLogger("hybridroute.serve").info("listening on http://127.0.0.1:8080")
    logging.getLogger("hybridroute.service.worker").debug("not at info")
    err = capsys.readouterr().err
    assert "INFO" in err and "hybridroute.serve: listening on http://127.0.0.1:8080" in err
    assert "not at info" not in err


def test_configure_logging_again_changes_the_level_without_doubling_lines(
    clean_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info")
    configure_logging("debug")
    logging.getLogger("hybridroute.serve").debug("once")
    assert capsys.readouterr().err.count("once") == 1
    configure_logging("error")
    logging.getLogger("hybridroute.serve").warning("hidden")
    assert "hidden" not in capsys.readouterr().err
