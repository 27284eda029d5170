"""samverkan-extract: read Swedish samverkansöverenskommelser into normalised records."""

from samverkan_extract.api import extract, normalised_text
from samverkan_extract.errors import InputError, SamverkanError
from samverkan_extract.schema import Agreement, Evidence, json_schema

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "Evidence",
    "InputError",
    "SamverkanError",
    "__version__",
    "extract",
    "extract_many",
    "json_schema",
    "normalised_text",
]


def extract_many(paths, **kwargs):  # type: ignore[no-untyped-def]
    """Extract many files (directories are walked) into a ``Corpus``."""
    from samverkan_extract.corpus import Corpus

    return Corpus.from_paths(paths, **kwargs)
