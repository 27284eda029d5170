"""samverkan-extract: read Swedish samverkansöverenskommelser into normalised records.

The names below are loaded when first used, so that importing the package (or running
``samverkan-extract --help``) does not load spaCy, pandas or pdfplumber. Importing the
package registers the notebook views of records (``display``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from samverkan_extract import display as _display  # noqa: F401 - registers the views
from samverkan_extract import plot as _plot  # noqa: F401 - registers corpus.plot
from samverkan_extract.errors import InputError, SamverkanError
from samverkan_extract.limits import Limits
from samverkan_extract.schema import Agreement, Evidence, json_schema
from samverkan_extract.version import __version__

if TYPE_CHECKING:
    from samverkan_extract.api import extract, extract_many, normalised_text
    from samverkan_extract.corpus import Corpus

_LAZY = {
    "extract": "samverkan_extract.api",
    "extract_many": "samverkan_extract.api",
    "normalised_text": "samverkan_extract.api",
    "Corpus": "samverkan_extract.corpus",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'samverkan_extract' has no attribute {name!r}")


__all__ = [
    "Agreement",
    "Corpus",
    "Evidence",
    "InputError",
    "Limits",
    "SamverkanError",
    "__version__",
    "extract",
    "extract_many",
    "json_schema",
    "normalised_text",
]
