"""Entry point: ``hybridroute <command> [options]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hybridroute import __version__
from hybridroute.cli import demo_command, evaluate_command, service_commands
from hybridroute.exceptions import HybridRouteError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="hybridroute",
        description="Route customer-service tickets to a bot or a human, with reasons.",
    )
    parser.add_argument("--version", action="version", version=f"hybridroute {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo_command.register(commands)
    evaluate_command.register(commands)
    service_commands.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except HybridRouteError as exc:
        print(f"hybridroute: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hybridroute: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
