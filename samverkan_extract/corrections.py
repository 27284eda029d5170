"""Corrections: a person's fixes to extracted values, kept in a file and applied on every
run, so that extracting again never loses them.

A corrections file is CSV (UTF-8, a header row, ``#`` lines are comments):

```
agreement,path,value,by,reason
osby_2023,period.end,2026-12-31,Anna L,the text says 31 december 2026
5d68ca22a3f54acc…,forums[1].type,steering_group,Anna L,"a styrgrupp, not a working group"
osby_2023,forums[4],null,Anna L,not a forum: a one-off meeting
```

- ``agreement``: the agreement's id (its source file's stem, as in every table) or the
  sha256 of its source file (``source.sha256``), which survives renaming the file.
- ``path``: where the value is in the record: ``title``, ``period.end``,
  ``forums[1].type``, ``signatories[0].signed_date``, ``priority_areas[2].categories``.
  An item field (``title``, ``document_date``, ``document_type``,
  ``reference_numbers[0]``) is corrected by its value; its evidence is kept.
- ``value``: the new value as text; ``null`` removes a value (or a list item); a list, a
  number, a boolean or a whole item is written as JSON (``["drugs", "youth_crime"]``,
  ``4``, ``true``, ``{"name": "Trygghetsrådet", "type": "local_crime_prevention_council"}``).
- ``by``: who corrected it (required); ``reason``: why.

Every path and value is checked against the contract when the file is read, before any
document is; a wrong one is a ``CorrectionError`` naming the file and the line. Applied
corrections are listed in the record's ``corrections`` (path, previous value, new value,
by, reason); the corrected value keeps its evidence. Corrections of one agreement are
applied in the file's order (a removed list item shifts the ones after it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import regex
from pydantic import BaseModel, TypeAdapter, ValidationError

from samverkan_extract.errors import CorrectionError
from samverkan_extract.schema import Agreement, Correction, Item

COLUMNS = ("agreement", "path", "value", "by", "reason")
SHA256 = regex.compile(r"[0-9a-f]{64}")
_STEP = regex.compile(r"([a-z_]+)(?:\[(\d+)\])?")
#: What a record never lets a correction change: where it came from and what it is.
_FIXED = {"schema_version", "source", "warnings", "corrections"}
_NO_EVIDENCE = {"text": "", "start": 0, "end": 0, "page": None}


@dataclass(frozen=True)
class Step:
    name: str
    index: int | None


@dataclass(frozen=True)
class CorrectionLine:
    """One line of a corrections file, checked against the contract."""

    file: str
    line: int
    agreement: str
    path: str
    steps: tuple[Step, ...]
    value: Any
    by: str
    reason: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def error(self, problem: str) -> CorrectionError:
        return CorrectionError(f"{self.where}: {problem}")


def _fail(file: str, line: int, problem: str) -> CorrectionError:
    return CorrectionError(f"{file}:{line}: {problem}")


# --- the model's shape, walked by path -------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """``X | None`` as ``X``."""
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_item(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Item)


def parse_path(path: str) -> tuple[Step, ...]:
    steps = []
    for part in path.strip().split("."):
        m = _STEP.fullmatch(part)
        if m is None:
            raise ValueError(f"not a field path: {path!r} (e.g. period.end, forums[1].type)")
        steps.append(Step(m.group(1), int(m.group(2)) if m.group(2) is not None else None))
    return tuple(steps)


def leaf_annotation(steps: Sequence[Step]) -> tuple[Any, bool]:
    """The type a path points at, and whether it is a whole list element."""
    model: Any = Agreement
    annotation: Any = None
    element = False
    for n, step in enumerate(steps):
        if not _is_model(model):
            raise ValueError(f"{'.'.join(s.name for s in steps[:n])} has no fields")
        fields = model.model_fields
        if step.name not in fields or (n == 0 and step.name in _FIXED):
            known = ", ".join(k for k in fields if not (n == 0 and k in _FIXED))
            raise ValueError(f"no field {step.name!r} here: one of {known}")
        annotation = _unwrap(fields[step.name].annotation)
        element = False
        if step.index is not None:
            if get_origin(annotation) is not list:
                raise ValueError(f"{step.name} is not a list: no [{step.index}]")
            annotation = get_args(annotation)[0]
            element = True
        model = annotation
    return annotation, element


def _parse_value(raw: str, annotation: Any) -> Any:
    """The value as the contract wants it: the text itself where text fits, else its
    JSON (a number, a boolean, a list, a whole item)."""
    text = raw.strip()
    if text == "null":
        return None
    if _is_item(annotation) and not text.startswith("{"):
        try:  # an item is corrected by its value, checked as the item checks it
            annotation.model_validate({"value": raw, "evidence": _NO_EVIDENCE})
        except ValidationError as exc:
            raise ValueError(_said(exc)) from None
        return raw
    candidates: list[Any] = [raw]
    try:
        candidates.append(json.loads(text))
    except ValueError:
        pass
    problem = ""
    for candidate in candidates:
        try:
            return _validated(candidate, annotation)
        except ValidationError as exc:
            problem = _said(exc)
        except ValueError as exc:
            problem = str(exc)
    raise ValueError(problem)


def _validated(value: Any, annotation: Any) -> Any:
    if _is_model(annotation):
        if not isinstance(value, Mapping):
            raise ValueError(f"a whole {annotation.__name__} is written as a JSON object")
        filled = dict(value)
        if "evidence" in annotation.model_fields and "evidence" not in filled:
            filled["evidence"] = dict(_NO_EVIDENCE)
        return annotation.model_validate(filled).model_dump(mode="json")
    return TypeAdapter(annotation).validate_python(value, strict=False)


def _said(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first.get("loc", ()))
    message = str(first.get("msg", exc))
    if "should match pattern" in message and "\\d{4}" in message:
        message = "not an ISO date: write YYYY-MM-DD, YYYY-MM or YYYY"
    return f"invalid value{f' for {where}' if where else ''}: {message}"


# --- reading the file -------------------------------------------------------------------------


def load_corrections(path: str | Path) -> list[CorrectionLine]:
    """Read and check a corrections file; a line that cannot be applied to any record is
    a ``CorrectionError`` naming the file and line."""
    source = Path(path)
    name = str(source)
    try:
        text = source.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorrectionError(f"{name}: cannot read the corrections file: {exc}") from None
    lines = text.splitlines()
    rows = [
        (n, line)
        for n, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows:
        return []
    header_line, header = rows[0]
    columns = [c.strip().casefold() for c in next(csv.reader([header]))]
    aliases = {"id": "agreement", "agreement_id": "agreement", "sha256": "agreement"}
    columns = [aliases.get(c, c) for c in columns]
    missing = [c for c in COLUMNS[:4] if c not in columns]
    if missing:
        raise _fail(
            name,
            header_line,
            f"the header must name the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})",
        )
    out = []
    for number, line in rows[1:]:
        fields = next(csv.reader(io.StringIO(line)))
        if len(fields) > len(columns):
            raise _fail(
                name,
                number,
                f"{len(fields)} values for {len(columns)} columns (quote a value with commas)",
            )
        row = dict(zip(columns, fields + [""] * (len(columns) - len(fields)), strict=True))
        out.append(_line(name, number, row))
    return out


def _line(name: str, number: int, row: Mapping[str, str]) -> CorrectionLine:
    agreement = row["agreement"].strip()
    path = row["path"].strip()
    by = row["by"].strip()
    if not agreement:
        raise _fail(name, number, "no agreement id or sha256")
    if not path:
        raise _fail(name, number, "no field path")
    if not by:
        raise _fail(name, number, "no 'by': say who made the correction")
    try:
        steps = parse_path(path)
        annotation, element = leaf_annotation(steps)
        value = _parse_value(row["value"], annotation)
    except ValueError as exc:
        raise _fail(name, number, f"{path}: {exc}") from None
    if value is None and not (element or _optional(steps)):
        raise _fail(name, number, f"{path}: cannot be null (the contract requires a value)")
    return CorrectionLine(
        name, number, agreement, path, steps, value, by, row.get("reason", "").strip()
    )


def _optional(steps: Sequence[Step]) -> bool:
    """Whether the field a path names may be null."""
    model: Any = Agreement
    info = None
    for step in steps:
        info = model.model_fields[step.name]
        annotation = _unwrap(info.annotation)
        if step.index is not None:
            annotation = get_args(annotation)[0]
        model = annotation
    assert info is not None
    return type(None) in get_args(info.annotation) and steps[-1].index is None


# --- applying ---------------------------------------------------------------------------------


def _dumped(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dumped(v) for v in value]
    return value


def _apply(agreement: Agreement, c: CorrectionLine) -> Correction:
    """Apply one correction in place; returns what it changed."""
    parent: Any = agreement
    for step in c.steps[:-1]:
        parent = getattr(parent, step.name)
        if step.index is not None:
            if step.index >= len(parent):
                raise c.error(f"{c.path}: {step.name} has {len(parent)} item(s), no [{step.index}]")
            parent = parent[step.index]
        if parent is None:
            raise c.error(f"{c.path}: {step.name} is null in this record; set it whole first")
    last = c.steps[-1]
    annotation, _ = leaf_annotation(c.steps)
    if last.index is not None:
        items = getattr(parent, last.name)
        if last.index > len(items) or (last.index == len(items) and c.value is None):
            raise c.error(f"{c.path}: {last.name} has {len(items)} item(s), no [{last.index}]")
        previous = _dumped(items[last.index]) if last.index < len(items) else None
        new_list = list(items)
        if c.value is None:
            del new_list[last.index]
        elif _is_item(annotation) and not isinstance(c.value, Mapping):
            if last.index == len(items):
                new_list.append(annotation(value=c.value, evidence=_NO_EVIDENCE))
            else:
                new_list[last.index] = items[last.index].model_copy(update={"value": c.value})
            previous = previous["value"] if isinstance(previous, Mapping) else previous
        elif last.index == len(items):
            new_list.append(c.value)
        else:
            new_list[last.index] = c.value
        setattr(parent, last.name, new_list)  # validated on assignment
    else:
        current = getattr(parent, last.name)
        previous = _dumped(current)
        if _is_item(annotation) and c.value is not None and not isinstance(c.value, Mapping):
            if current is None:
                setattr(parent, last.name, {"value": c.value, "evidence": _NO_EVIDENCE})
            else:
                current.value = c.value  # evidence kept
            previous = previous["value"] if isinstance(previous, Mapping) else previous
        else:
            setattr(parent, last.name, c.value)
    return Correction(path=c.path, previous=previous, value=c.value, by=c.by, reason=c.reason)


def apply_corrections(
    items: Iterable[tuple[str, Agreement]], corrections: Sequence[CorrectionLine]
) -> tuple[list[Agreement], list[CorrectionLine]]:
    """The records with every correction for them applied (corrected ones are copies),
    and the corrections that matched no record of this run."""
    by_key: dict[str, list[CorrectionLine]] = {}
    for c in corrections:
        by_key.setdefault(c.agreement, []).append(c)
    used: set[int] = set()
    out = []
    for aid, agreement in items:
        mine = by_key.get(aid, []) + by_key.get(agreement.source.sha256, [])
        mine = sorted({id(c): c for c in mine}.values(), key=lambda c: c.line)
        if not mine:
            out.append(agreement)
            continue
        record = agreement.model_copy(deep=True)
        for c in mine:
            try:
                change = _apply(record, c)
            except ValidationError as exc:
                raise c.error(f"{c.path}: {_said(exc)}") from None
            record.corrections = [*record.corrections, change]
            used.add(id(c))
        out.append(record)
    unused = [c for c in corrections if id(c) not in used]
    return out, unused


def write_corrections(path: str | Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """A corrections file from rows of ``agreement, path, value, by, reason`` (values that
    are not text are written as JSON), e.g. to start one from code."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        value = r.get("value")
        shown = (
            "null"
            if value is None
            else value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False)
        )
        writer.writerow([r["agreement"], r["path"], shown, r["by"], r.get("reason", "")])
    target = Path(path)
    target.write_text(buf.getvalue(), "utf-8")
    return target
