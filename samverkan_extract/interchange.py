"""Exports for qualitative-analysis and annotation tools, all from the evidence offsets:

- a REFI-QDA project (``.qdpx``, the Project Exchange standard 1.0 that NVivo, ATLAS.ti,
  MAXQDA and QualCoder import): the normalised texts as sources, every field of the
  registry as a code (Swedish labels), every evidence span as a coded selection;
- Label Studio tasks with pre-annotations (one task per agreement, one labelled region per
  evidence span) and the labelling configuration they go with;
- a spaCy ``DocBin`` of the normalised texts with the evidence spans in the span group
  ``evidence``, for correcting extractions and training.

The texts are read again from the sources (``sources.py``); an agreement whose source is
gone or changed is left out with a warning. Control characters are replaced one for one
(U+FFFD), so every offset still points at its evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from samverkan_extract.compare import agreement_names
from samverkan_extract.corpus import Corpus
from samverkan_extract.errors import OutputWarning
from samverkan_extract.fields import FIELDS
from samverkan_extract.labels import check_lang
from samverkan_extract.limits import DEFAULT_LIMITS, Limits
from samverkan_extract.output import (
    Cleaner,
    atomic_path,
    atomic_write_text,
    escape_surrogates,
    json_text,
)
from samverkan_extract.schema import Agreement
from samverkan_extract.sources import SourceText, source_texts
from samverkan_extract.version import __version__

QDA_NAMESPACE = "urn:QDA-XML:project:1.0"
#: The span group of the DocBin, as in ``Agreement.show()``.
SPANS_KEY = "evidence"
#: GUIDs derived from names in this namespace: the same agreement and field give the same
#: GUID in every export, so a re-import updates rather than duplicates.
_GUIDS = uuid.UUID("6b1f3f9e-5a43-4f0e-9d7b-2f5c8a9e1d20")


@dataclass(frozen=True)
class Span:
    """One evidence span of one value: its field, its path in the record ("forums[0]"),
    the value as people read it, and its offsets into the normalised text."""

    field: str
    path: str
    value: str
    start: int
    end: int
    text: str


def evidence_spans(agreement: Agreement, text: str, lang: str = "sv") -> list[Span]:
    """Every value's evidence that the text holds, in the registry's order."""
    spans = []
    for f in FIELDS:
        for shown in f.shown(agreement, lang):
            ev = shown.evidence
            if ev is None or not ev.text:
                continue
            if text[ev.start : ev.end] != ev.text:
                continue  # a record from another version of the reader
            spans.append(Span(f.name, shown.field, shown.text, ev.start, ev.end, ev.text))
    return spans


def _texts(
    corpus: Corpus, limits: Limits, texts: dict[str, str] | None, what: str
) -> Iterator[SourceText]:
    """The texts, with a warning naming the agreements left out."""
    missing = []
    for st in source_texts(corpus.items(), limits, texts):
        if st.text is None:
            missing.append(f"{st.id} ({st.problem})")
            continue
        yield st
    if missing:
        warnings.warn(
            f"{what}: {len(missing)} agreement(s) left out, their text could not be read: "
            + "; ".join(missing[:5])
            + (" ..." if len(missing) > 5 else ""),
            OutputWarning,
            stacklevel=3,
        )


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_GUIDS, escape_surrogates("\x1f".join(parts))))


# --- REFI-QDA ---------------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{QDA_NAMESPACE}}}{tag}"


def qde_project(
    sources: Sequence[tuple[str, str, str, Agreement, str]], lang: str = "sv"
) -> tuple[ET.Element, dict[str, str]]:
    """The ``project.qde`` tree for (guid, id, name, agreement, text) sources, and the
    text of each source file by its name in the package."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    user = _guid("user", "samverkan-extract")
    clean = Cleaner()
    project = ET.Element(
        _q("Project"),
        {
            "name": "Samverkansöverenskommelser",
            "origin": f"samverkan-extract {__version__}",
            "creatingUserGUID": user,
            "creationDateTime": now,
        },
    )
    users = ET.SubElement(project, _q("Users"))
    ET.SubElement(users, _q("User"), {"guid": user, "name": "samverkan-extract"})
    codes = ET.SubElement(ET.SubElement(project, _q("CodeBook")), _q("Codes"))
    code_guid = {}
    for f in FIELDS:
        code_guid[f.name] = _guid("code", f.name)
        code = ET.SubElement(
            codes,
            _q("Code"),
            {
                "guid": code_guid[f.name],
                "name": f.label(lang),
                "isCodable": "true",
                "color": f.colour,
            },
        )
        ET.SubElement(
            code, _q("Description")
        ).text = f"{f.name}: {f.label('en')} (samverkan-extract contract v1)"
    files: dict[str, str] = {}
    source_list = ET.SubElement(project, _q("Sources"))
    for guid, aid, name, agreement, text in sources:
        safe_text = clean(text)  # one character for one: offsets still hold
        files[f"sources/{guid}.txt"] = safe_text
        src = ET.SubElement(
            source_list,
            _q("TextSource"),
            {
                "guid": guid,
                "name": clean(name),
                "plainTextPath": f"internal://{guid}.txt",
                "creatingUser": user,
                "creationDateTime": now,
            },
        )
        ET.SubElement(src, _q("Description")).text = clean(
            f"agreement {aid}; source {agreement.source.path}; sha256 {agreement.source.sha256}"
        )
        for span in evidence_spans(agreement, text, lang):
            sel = ET.SubElement(
                src,
                _q("PlainTextSelection"),
                {
                    "guid": _guid("selection", aid, span.path, str(span.start), str(span.end)),
                    "name": span.path,
                    "startPosition": str(span.start),
                    "endPosition": str(span.end),
                    "creatingUser": user,
                    "creationDateTime": now,
                },
            )
            ET.SubElement(sel, _q("Description")).text = clean(span.value)
            coding = ET.SubElement(
                sel,
                _q("Coding"),
                {
                    "guid": _guid("coding", aid, span.path, str(span.start)),
                    "creatingUser": user,
                    "creationDateTime": now,
                },
            )
            ET.SubElement(coding, _q("CodeRef"), {"targetGUID": code_guid[span.field]})
    clean.warn("REFI-QDA project")
    return project, files


def write_qdpx(
    corpus: Corpus,
    path: Path,
    *,
    lang: str = "sv",
    limits: Limits = DEFAULT_LIMITS,
    texts: dict[str, str] | None = None,
) -> Path:
    """A REFI-QDA project package: ``project.qde`` and ``sources/<guid>.txt``, one per
    agreement whose text could be read again."""
    check_lang(lang)
    names = agreement_names(corpus, lang)
    sources = [
        (
            _guid("source", st.agreement.source.sha256 or st.id, st.id),
            st.id,
            names[st.id],
            st.agreement,
            st.text or "",
        )
        for st in _texts(corpus, limits, texts, "REFI-QDA project")
    ]
    project, files = qde_project(sources, lang)
    ET.register_namespace("", QDA_NAMESPACE)
    xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    path = Path(path)
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", xml)
            for name, text in files.items():
                z.writestr(name, text.encode("utf-8"))
    return path


# --- Label Studio ---------------------------------------------------------------------------


def label_config(lang: str = "sv") -> str:
    """The labelling configuration the tasks go with: one label per field."""
    labels = "\n".join(
        f'    <Label value="{f.name}" alias="{f.label(lang)}" background="{f.colour}"/>'
        for f in FIELDS
    )
    return (
        "<View>\n"
        '  <Labels name="field" toName="text">\n'
        f"{labels}\n"
        "  </Labels>\n"
        '  <Text name="text" value="$text" granularity="symbol"/>\n'
        "</View>\n"
    )


def utf16_offsets(text: str) -> Any:
    """A function from a character offset (Python's) to a UTF-16 code unit offset (what
    JavaScript, so Label Studio, counts): they differ after a character outside the Basic
    Multilingual Plane (an emoji)."""
    if all(ord(c) <= 0xFFFF for c in text):
        return lambda n: n
    units = [0]
    for c in text:
        units.append(units[-1] + (2 if ord(c) > 0xFFFF else 1))
    return lambda n: units[n]


def label_studio_tasks(
    corpus: Corpus,
    *,
    lang: str = "sv",
    limits: Limits = DEFAULT_LIMITS,
    texts: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One task per agreement: its text, and the extraction as a prediction with one
    labelled region per evidence span. Offsets are in UTF-16 code units, as Label Studio
    (JavaScript) counts them; they equal Python's unless the text holds an emoji."""
    check_lang(lang)
    names = agreement_names(corpus, lang)
    tasks = []
    clean = Cleaner()
    for n, st in enumerate(_texts(corpus, limits, texts, "Label Studio tasks"), 1):
        text = st.text or ""
        at = utf16_offsets(text)
        result = [
            {
                "id": f"{st.id}-{k}",
                "from_name": "field",
                "to_name": "text",
                "type": "labels",
                "origin": "prediction",
                "value": {
                    "start": at(span.start),
                    "end": at(span.end),
                    "text": clean(span.text),
                    "labels": [span.field],
                },
                "meta": {"text": [f"{span.path}: {clean(span.value)}"]},
            }
            for k, span in enumerate(evidence_spans(st.agreement, text, lang))
        ]
        tasks.append(
            {
                "id": n,
                "data": {
                    "text": clean(text),
                    "agreement_id": st.id,
                    "name": clean(names[st.id]),
                    "source": clean(st.agreement.source.path),
                    "sha256": st.agreement.source.sha256,
                },
                "predictions": [
                    {"model_version": f"samverkan-extract {__version__}", "result": result}
                ],
            }
        )
    clean.warn("Label Studio tasks")
    return tasks


def write_label_studio(
    corpus: Corpus,
    path: Path,
    *,
    lang: str = "sv",
    limits: Limits = DEFAULT_LIMITS,
    texts: dict[str, str] | None = None,
) -> list[Path]:
    """The tasks as a JSON file for Label Studio's import, and beside it
    ``<name>.label-config.xml``, the labelling configuration to paste into the project."""
    tasks = label_studio_tasks(corpus, lang=lang, limits=limits, texts=texts)
    path = Path(path)
    atomic_write_text(path, json_text(json.dumps(tasks, ensure_ascii=False, indent=1)) + "\n")
    config = path.with_name(f"{path.stem}.label-config.xml")
    atomic_write_text(config, label_config(lang))
    return [path, config]


# --- spaCy ------------------------------------------------------------------------------------


def docbin(
    corpus: Corpus,
    *,
    limits: Limits = DEFAULT_LIMITS,
    texts: dict[str, str] | None = None,
) -> Any:
    """A ``DocBin`` of the normalised texts (tokenised as the extractors tokenise them),
    each with its evidence spans in ``doc.spans["evidence"]`` labelled by field, and in
    ``doc.user_data`` the agreement id, source and each span's exact offsets and path."""
    from spacy.tokens import DocBin

    from samverkan_extract.nlp import get_nlp

    tokenizer = get_nlp()
    out = DocBin(store_user_data=True)
    clean = Cleaner()
    for st in _texts(corpus, limits, texts, "spaCy DocBin"):
        text = clean(st.text or "")
        doc = tokenizer.make_doc(text)
        spans = []
        exact = []
        for span in evidence_spans(st.agreement, st.text or "", "sv"):
            s = doc.char_span(span.start, span.end, label=span.field, alignment_mode="expand")
            if s is None:
                continue
            spans.append(s)
            exact.append([span.start, span.end, span.field, span.path])
        doc.spans[SPANS_KEY] = spans
        doc.user_data["agreement_id"] = st.id
        doc.user_data["source"] = clean(st.agreement.source.path)
        doc.user_data["sha256"] = st.agreement.source.sha256
        doc.user_data["evidence"] = exact
        out.add(doc)
    clean.warn("spaCy DocBin")
    return out


def write_docbin(
    corpus: Corpus,
    path: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    texts: dict[str, str] | None = None,
) -> Path:
    """The ``DocBin`` as a ``.spacy`` file: ``DocBin().from_disk(path).get_docs(nlp.vocab)``."""
    data = docbin(corpus, limits=limits, texts=texts).to_bytes()
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
