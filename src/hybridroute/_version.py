"""The installed version, read from package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hybridroute")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
