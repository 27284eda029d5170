"""Extractors registered by the name of the field they fill.

Each extractor module registers its functions with ``@extractor("<field>")``; the field
registry (``samverkan_extract.fields``) names them, and ``extract_agreement`` calls them
in the registry's order. The registry is filled once, when the modules are imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from samverkan_extract.extractors.context import Context

Extractor = Callable[[Context], Any]
E = TypeVar("E", bound=Extractor)

EXTRACTORS: dict[str, Extractor] = {}


def extractor(name: str) -> Callable[[E], E]:
    """Register ``function`` as the extractor of the field ``name``."""

    def register(function: E) -> E:
        if name in EXTRACTORS:
            raise ValueError(f"two extractors for the field {name!r}")
        EXTRACTORS[name] = function
        return function

    return register
