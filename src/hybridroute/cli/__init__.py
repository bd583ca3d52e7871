"""The ``hybridroute`` command line."""

from hybridroute.cli.main import main

__all__ = ["main"]
