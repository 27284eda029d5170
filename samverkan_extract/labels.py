"""Names for people: a Swedish and an English label for every id, field and matrix, and
the words of the report, read from ``data/labels.toml`` (signatory roles from
``data/signatory_roles.toml``, where they are defined).

Views show labels; data columns keep the ids. Swedish is the default language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Lang = Literal["sv", "en"]
LANGS: tuple[str, ...] = ("sv", "en")
DEFAULT_LANG: Lang = "sv"

#: The vocabulary of signatory roles, kept in ``signatory_roles.toml``.
ROLES = "signatory_roles"


@dataclass(frozen=True)
class Label:
    """A name for people: Swedish, the default, and English."""

    sv: str
    en: str

    def __call__(self, lang: str = DEFAULT_LANG) -> str:
        return self.en if lang == "en" else self.sv


def check_lang(lang: str) -> Lang:
    """``lang`` if it is a language labels exist in, else a ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]  # checked just above


def _toml(name: str) -> dict[str, Any]:
    text = resources.files("samverkan_extract.data").joinpath(name).read_text("utf-8")
    return tomllib.loads(text)


@cache
def _data() -> dict[str, Any]:
    data = _toml("labels.toml")
    roles = {
        r["id"]: {"sv": r.get("label", r["id"]), "en": r.get("label_en", r["id"])}
        for r in _toml("signatory_roles.toml")["role"]
    }
    return {**data, ROLES: roles}


@cache
def vocabulary(name: str) -> Mapping[str, Label]:
    """Every id of a vocabulary (``forum_types``, ``priority_categories``, ``fields`` ...)
    with its label."""
    try:
        entries = _data()[name]
    except KeyError:
        raise KeyError(f"no vocabulary {name!r} in labels.toml") from None
    return {key: Label(v["sv"], v["en"]) for key, v in entries.items()}


def vocabularies() -> tuple[str, ...]:
    """The names of every labelled vocabulary."""
    return tuple(k for k in _data() if k not in ("nouns", "ui"))


def label(name: str, key: str | None, lang: str = DEFAULT_LANG) -> str:
    """The label of ``key`` in vocabulary ``name``; the key itself when it has none."""
    if key is None:
        return ""
    found = vocabulary(name).get(key)
    return found(lang) if found is not None else key


def labeller(name: str | None, lang: str = DEFAULT_LANG) -> Any:
    """A function from an id to its label (the id itself without a vocabulary)."""
    if name is None:
        return lambda key: key
    table = {k: v(lang) for k, v in vocabulary(name).items()}
    return lambda key: table.get(key, key)


def text(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """A phrase of the report or the views, with ``{placeholders}`` filled."""
    entry = _data()["ui"][key]
    return str(entry["en" if lang == "en" else "sv"]).format(**values)


def count(n: int, noun: str, lang: str = DEFAULT_LANG) -> str:
    """``n`` and the noun in the right number: "1 agreement", "2 agreements"."""
    one, many = _data()["nouns"][noun]["en" if lang == "en" else "sv"]
    return f"{n} {one if n == 1 else many}"


def period_text(start: Any, end: Any, open_ended: bool, lang: str = DEFAULT_LANG) -> str:
    """Years of a period as people write them: "2023–2026", "2023–" (open-ended), "" ."""
    first = getattr(start, "year", None)
    last = getattr(end, "year", None)
    first = first if isinstance(first, int) else None
    last = last if isinstance(last, int) else None
    if first is None:
        return ""
    if last is None:
        return f"{first}–" if open_ended else f"{first}–?"
    return str(first) if first == last else f"{first}–{last}"
