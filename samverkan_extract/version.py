"""The package's version, read from its installed metadata (``pyproject.toml``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samverkan-extract")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
