"""The interchange contract, version 1, as pydantic models.

These models *are* the contract of ``shared/contract.md``: field names and types never
change within version 1; new fields are optional. ``json_schema()`` publishes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION: Literal["1"] = "1"

SourceFormat = Literal["pdf", "docx", "txt", "md"]
PartyKind = Literal["municipality", "police", "prison_probation", "other"]
ForumType = Literal[
    "local_crime_prevention_council",
    "steering_group",
    "preparatory_group",
    "operational_group",
    "working_group",
    "est",
    "sspf",
    "sig",
    "bob",
    "exit_programme",
    "joint_inspection",
    "other",
]
PriorityCategory = Literal[
    "youth_crime",
    "drugs",
    "domestic_violence",
    "honour_violence",
    "vulnerable_victims",
    "public_space_safety",
    "volume_crime",
    "school_safety",
    "organised_crime",
    "criminal_economy",
    "traffic",
    "other",
]
FollowUpFrequency = Literal["annual", "biennial", "quarterly", "other"]
RelatedDocumentType = Literal[
    "situation_picture",
    "cause_analysis",
    "action_plan",
    "citizen_promise",
    "communication_plan",
    "safety_survey",
]
Precision = Literal["day", "month", "year"]
DocumentType = Literal["samverkansoverenskommelse", "medborgarlofte", "combined", "other_agreement"]
# A date at the precision the text gives: "2023-03-24", "2020-03", "2019".
IsoDate = Annotated[
    str, StringConstraints(pattern=r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
]


class Model(BaseModel):
    """Base of every contract model: unknown keys are refused, so typos surface."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Evidence(Model):
    """Where a value came from: ``text == normalised_text[start:end]`` always holds."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = Field(default=None, ge=1)


class Item(Model):
    """A single extracted value (a string: a title, an ISO date, a reference) with its
    evidence."""

    value: str
    evidence: Evidence


class DateItem(Item):
    """A date the document states, at the precision it gives."""

    value: IsoDate


class DocumentTypeItem(Item):
    """What kind of document it is, with the title or sentence that says so."""

    value: DocumentType


class Source(Model):
    path: str
    format: SourceFormat
    sha256: str
    pages: int | None = None
    ocr: bool = False


class Period(Model):
    start: IsoDate | None
    end: IsoDate | None
    precision: Precision
    evidence: Evidence
    # Optional addition: the text says the period runs on ("tills vidare", "löpande",
    # until a new agreement) and gives no end, so ``end`` is null.
    open_ended: bool = False


class Party(Model):
    name: str
    kind: PartyKind
    municipality_code: str | None = None
    police_area: str | None = None
    org_number: str | None = None
    address: str | None = None
    alias: str | None = None
    evidence: Evidence
    # Optional additions (contract v1 allows new optional fields).
    police_region: str | None = None


class Municipality(Model):
    name: str
    code: str
    county: str
    evidence: Evidence | None = None


class Forum(Model):
    name: str
    type: ForumType
    meetings_per_year: float | None = None
    frequency_text: str | None = None
    evidence: Evidence


class PriorityArea(Model):
    text: str
    categories: list[PriorityCategory]
    evidence: Evidence


class Signatory(Model):
    name: str
    title: str | None = None
    organization: str | None = None
    signed_date: IsoDate | None = None
    signed_place: str | None = None
    evidence: Evidence


class FollowUp(Model):
    frequency: FollowUpFrequency
    text: str
    evidence: Evidence


class RelatedDocument(Model):
    type: RelatedDocumentType
    evidence: Evidence


class CommittingParty(Model):
    """Who undertakes something: as written, and the kinds of party it stands for."""

    name: str
    kinds: list[PartyKind]


class Commitment(Model):
    """One undertaking: "Polisen lovar att ...", "Kommunen ansvarar för ..."."""

    party: CommittingParty
    text: str
    categories: list[PriorityCategory] = Field(default_factory=list)
    evidence: Evidence


class Correction(Model):
    """A value a person corrected (``--corrections FILE``): where, what it was, what it
    is now, who corrected it and why. The corrected value keeps its evidence."""

    path: str
    previous: Any = None
    value: Any = None
    by: str
    reason: str = ""


class Agreement(Model):
    """One agreement, normalised: the record ``extract`` returns."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    source: Source
    title: Item | None = None
    document_date: DateItem | None = None
    # Optional addition: samverkansöverenskommelse, medborgarlöfte, combined, other.
    document_type: DocumentTypeItem | None = None
    reference_numbers: list[Item] = Field(default_factory=list)
    period: Period | None = None
    parties: list[Party] = Field(default_factory=list)
    municipalities: list[Municipality] = Field(default_factory=list)
    forums: list[Forum] = Field(default_factory=list)
    priority_areas: list[PriorityArea] = Field(default_factory=list)
    signatories: list[Signatory] = Field(default_factory=list)
    follow_up: FollowUp | None = None
    related_documents: list[RelatedDocument] = Field(default_factory=list)
    # Optional addition: who undertakes what.
    commitments: list[Commitment] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # Optional addition: values corrected by people, applied from a corrections file.
    corrections: list[Correction] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | Agreement) -> Agreement:
        """A contract record, or a gold-style one (plain values, no evidence, no source).
        Missing evidence becomes empty evidence and a missing source an empty one
        (``path`` and ``sha256`` ""), which the tables show as missing values."""
        return record if isinstance(record, Agreement) else cls.model_validate(_filled(record))

    @classmethod
    def from_json(cls, text: str | bytes) -> Agreement:
        """A record from its JSON: what ``to_json()``, ``extract --format json`` and
        ``extract DIR -o OUTDIR/`` write, or a gold file (plain values without evidence).
        The record is validated against the contract (a wrong id or a date that is not
        ISO raises ``pydantic.ValidationError`` naming the field), so
        ``Agreement.from_json(record.to_json()) == record`` always holds. For many
        records, ``Corpus.from_json(paths)``."""
        return cls.from_record(json.loads(text))

    def _repr_html_(self) -> str:
        """A notebook shows the record as a table: each value, its page and its evidence."""
        return str(view("agreement_html")(self))

    def show(
        self,
        *,
        path: str | Path | None = None,
        jupyter: bool | None = None,
        lang: str = "sv",
    ) -> str | None:
        """The source text with every value highlighted and labelled by its field, to check
        each against the text it came from (displaCy). Re-reads ``path`` (default: the
        source file) and refuses a file that changed. The text keeps its own spacing and a
        PDF's page breaks are marked; values are labelled in ``lang`` ("sv" or "en"). In a
        notebook it displays the HTML and returns ``None``; elsewhere (or with
        ``jupyter=False``) it returns the HTML."""
        shown: str | None = view("show")(self, path=path, jupyter=jupyter, lang=lang)
        return shown


# --- records without evidence (gold files) ------------------------------------------------

_NO_EVIDENCE: dict[str, Any] = {"text": "", "start": 0, "end": 0, "page": None}
_NO_SOURCE: dict[str, Any] = {"path": "", "format": "txt", "sha256": "", "pages": None}


def _with_evidence(obj: Any) -> Any:
    if isinstance(obj, Mapping) and "evidence" not in obj:
        return {**obj, "evidence": dict(_NO_EVIDENCE)}
    return obj


def _item(value: Any) -> Any:
    if value is None or isinstance(value, Mapping):
        return _with_evidence(value)
    return {"value": str(value), "evidence": dict(_NO_EVIDENCE)}


def _filled(record: Mapping[str, Any]) -> dict[str, Any]:
    """A gold-style record with the evidence and source a contract record carries."""
    d = dict(record)
    d.setdefault("schema_version", SCHEMA_VERSION)
    if not d.get("source"):
        d["source"] = dict(_NO_SOURCE)
    for key, info in Agreement.model_fields.items():
        if key in ("schema_version", "source", "warnings", "corrections") or key not in d:
            continue
        value = d[key]
        if _is_item(info.annotation):
            d[key] = _item(value)
        elif isinstance(value, list):
            d[key] = [_item(v) if _holds_items(key) else _with_evidence(v) for v in value]
        elif isinstance(value, Mapping):
            d[key] = _with_evidence(value)
    if isinstance(d.get("follow_up"), Mapping):
        d["follow_up"] = {"text": "", **d["follow_up"]}
    return d


def _is_item(annotation: Any) -> bool:
    """An ``Item`` (or ``Item | None``) field: gold writes its plain value."""
    if getattr(annotation, "__origin__", None) is list:
        return False
    args = getattr(annotation, "__args__", (annotation,))
    return any(isinstance(a, type) and issubclass(a, Item) for a in args)


def _holds_items(key: str) -> bool:
    annotation = Agreement.model_fields[key].annotation
    return annotation == list[Item]


# --- views -------------------------------------------------------------------------------

#: Views of the records by name, registered by ``samverkan_extract.display`` (imported
#: with the package), so that the model never imports a view.
VIEWS: dict[str, Callable[..., Any]] = {}


def view(name: str) -> Callable[..., Any]:
    """A registered view, or an error saying where views come from."""
    try:
        return VIEWS[name]
    except KeyError:
        raise RuntimeError(
            f"no view {name!r} is registered: import samverkan_extract.display"
        ) from None


class ErrorRecord(Model):
    """What a batch writes for a file it could not read: the batch goes on."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    error: ErrorInfo


class ErrorInfo(Model):
    path: str
    type: str
    message: str


ErrorRecord.model_rebuild()


def json_schema() -> dict[str, Any]:
    """The contract as JSON Schema, generated from the models."""
    schema = Agreement.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "samverkan-extract agreement record, contract v1"
    return schema
