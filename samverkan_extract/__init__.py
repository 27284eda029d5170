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
    "json_schema",
    "normalised_text",
]
