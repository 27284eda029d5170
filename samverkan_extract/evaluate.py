"""Score extracted records against gold records, field by field.

The matching rules are those the project is judged by: exact fields after whitespace
and case folding, parties by municipality code or police area (or kind plus a fuzzy
name), forums and priority areas as sets of ids, signatories by folded name with fuzzy
titles, reference numbers and related documents as sets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import regex

FIELDS = (
    "title",
    "document_date",
    "period_start",
    "period_end",
    "follow_up",
    "municipalities",
    "parties",
    "org_numbers",
    "reference_numbers",
    "forums",
    "forum_meetings",
    "priority_categories",
    "signatories",
    "signatory_titles",
    "signatory_dates",
    "related_documents",
)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    documents: dict[str, dict[str, Counts]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.fields.values():
            total.add(c)
        return total

    def table(self) -> str:
        lines = [f"{'field':<22}{'precision':>10}{'recall':>10}{'f1':>8}{'n':>6}"]
        for name, c in self.fields.items():
            if c.tp + c.fp + c.fn:
                n = c.tp + c.fn
                lines.append(f"{name:<22}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>8.3f}{n:>6}")
        o = self.overall
        lines.append(f"{'overall (micro)':<22}{o.precision:>10.3f}{o.recall:>10.3f}{o.f1:>8.3f}")
        lines.append(
            f"documents: {len(self.documents)}"
            + (f", without a prediction: {', '.join(self.missing)}" if self.missing else "")
        )
        lines.append(f"micro-F1: {o.f1:.4f}")
        return "\n".join(lines)


def fold(value: Any) -> str:
    return regex.sub(r"\s+", " ", str(value)).strip().casefold()


def ratio(a: str, b: str) -> float:
    return 100 * SequenceMatcher(None, fold(a), fold(b)).ratio()


def token_set_ratio(a: str, b: str) -> float:
    """The token-set ratio: compare the shared words with each side's rest."""
    ta, tb = set(fold(a).split()), set(fold(b).split())
    common = " ".join(sorted(ta & tb))
    rest_a = (common + " " + " ".join(sorted(ta - tb))).strip()
    rest_b = (common + " " + " ".join(sorted(tb - ta))).strip()
    if not ta or not tb:
        return 0.0
    return max(ratio(common, rest_a), ratio(common, rest_b), ratio(rest_a, rest_b))


def _plain(item: Any) -> Any:
    """An item as its plain value (gold files carry values; records carry items)."""
    if isinstance(item, dict) and "value" in item and "evidence" in item:
        return item["value"]
    return item


def _sets(gold: Iterable[Any], pred: Iterable[Any]) -> Counts:
    g, p = set(gold), set(pred)
    return Counts(len(g & p), len(p - g), len(g - p))


def _scalar(gold: Any, pred: Any) -> Counts:
    g = None if gold is None else fold(gold)
    p = None if pred is None else fold(pred)
    if g is None and p is None:
        return Counts()
    if g == p:
        return Counts(1, 0, 0)
    return Counts(0, int(p is not None), int(g is not None))


def _party_key(party: dict[str, Any]) -> tuple[str, str]:
    if party.get("municipality_code"):
        return ("municipality", party["municipality_code"])
    if party.get("kind") == "police" and party.get("police_area"):
        return ("police", fold(party["police_area"]))
    return (party.get("kind", "other"), fold(party.get("name", "")))


def _parties(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Counts:
    unmatched = [_party_key(p) for p in pred]
    counts = Counts()
    for g in gold:
        key = _party_key(g)
        match = None
        for i, k in enumerate(unmatched):
            if k == key or (
                key[0] not in ("municipality",)
                and k[0] == key[0]
                and not (key[0] == "police" and g.get("police_area"))
                and token_set_ratio(k[1], key[1]) >= 85
            ):
                match = i
                break
        if match is None:
            counts.fn += 1
        else:
            counts.tp += 1
            unmatched.pop(match)
    counts.fp += len(unmatched)
    return counts


def _signatories(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, Counts]:
    def name(s: dict[str, Any]) -> str:
        return regex.sub(r"\s+", "", fold(s.get("name", "")))

    by_name = {name(s): s for s in pred}
    titles = Counts()
    for g in gold:
        p = by_name.get(name(g))
        if p is None or not g.get("title"):
            continue
        if p.get("title") and ratio(g["title"], p["title"]) >= 85:
            titles.tp += 1
        else:
            titles.fn += 1
            titles.fp += int(bool(p.get("title")))
    return {
        "signatories": _sets((name(s) for s in gold), (name(s) for s in pred)),
        "signatory_titles": titles,
        "signatory_dates": _sets(
            ((name(s), s.get("signed_date")) for s in gold),
            ((name(s), s.get("signed_date")) for s in pred),
        ),
    }


def score_record(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Counts]:
    gp, pp = gold.get("period") or {}, pred.get("period") or {}
    gf, pf = gold.get("follow_up") or {}, pred.get("follow_up") or {}
    result = {
        "title": _scalar(_plain(gold.get("title")), _plain(pred.get("title"))),
        "document_date": _scalar(
            _plain(gold.get("document_date")), _plain(pred.get("document_date"))
        ),
        "period_start": _scalar(gp.get("start"), pp.get("start")),
        "period_end": _scalar(gp.get("end"), pp.get("end")),
        "follow_up": _scalar(gf.get("frequency"), pf.get("frequency")),
        "municipalities": _sets(
            (m["code"] for m in gold.get("municipalities", [])),
            (m["code"] for m in pred.get("municipalities", [])),
        ),
        "parties": _parties(gold.get("parties", []), pred.get("parties", [])),
        "org_numbers": _sets(
            (p["org_number"] for p in gold.get("parties", []) if p.get("org_number")),
            (p["org_number"] for p in pred.get("parties", []) if p.get("org_number")),
        ),
        "reference_numbers": _sets(
            (fold(_plain(r)) for r in gold.get("reference_numbers", [])),
            (fold(_plain(r)) for r in pred.get("reference_numbers", [])),
        ),
        "forums": _sets(
            (f["type"] for f in gold.get("forums", [])), (f["type"] for f in pred.get("forums", []))
        ),
        "forum_meetings": _meetings(gold.get("forums", []), pred.get("forums", [])),
        "priority_categories": _sets(
            (c for a in gold.get("priority_areas", []) for c in a["categories"]),
            (c for a in pred.get("priority_areas", []) for c in a["categories"]),
        ),
        "related_documents": _sets(
            (d["type"] for d in gold.get("related_documents", [])),
            (d["type"] for d in pred.get("related_documents", [])),
        ),
    }
    result.update(_signatories(gold.get("signatories", []), pred.get("signatories", [])))
    return result


def _meetings(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Counts:
    counts = Counts()
    for g in gold:
        if g.get("meetings_per_year") is None:
            continue
        stated = [p.get("meetings_per_year") for p in pred if p["type"] == g["type"]]
        if any(v is not None and abs(v - g["meetings_per_year"]) < 1e-6 for v in stated):
            counts.tp += 1
        else:
            counts.fn += 1
            counts.fp += int(any(v is not None for v in stated))
    return counts


def evaluate(gold_dir: Path, predictions: dict[str, dict[str, Any]]) -> Report:
    """Score predictions (by file stem) against every gold record in ``gold_dir``."""
    report = Report()
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        stem = gold_path.stem
        gold = json.loads(gold_path.read_text("utf-8"))
        pred = predictions.get(stem)
        if pred is None:
            report.missing.append(stem)
            pred = {}
        scores = score_record(gold, pred)
        report.documents[stem] = scores
        for name, counts in scores.items():
            report.fields[name].add(counts)
    return report
