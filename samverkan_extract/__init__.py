"""samverkan-extract: read Swedish samverkansöverenskommelser into normalised records."""

from samverkan_extract.api import extract, extract_many, normalised_text
from samverkan_extract.corpus import Corpus
from samverkan_extract.errors import InputError, SamverkanError
from samverkan_extract.schema import Agreement, Evidence, json_schema

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "Corpus",
    "Evidence",
    "InputError",
    "SamverkanError",
    "__version__",
    "extract",
    "extract_many",
    "json_schema",
    "normalised_text",
]
