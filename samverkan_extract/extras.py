"""Optional dependencies (OCR, Excel, Parquet, the report's charts): imported when asked
for, with a message naming the extra that installs them when they are missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from samverkan_extract.errors import MissingDependencyError


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{purpose} needs {module}, which is not installed: "
            f"pip install 'samverkan-extract[{extra}]'"
        ) from exc
