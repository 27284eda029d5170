"""Score extracted records against gold records, field by field.

The matching rules are those the project is judged by, each declared by its field in
the registry (``fields/``): exact fields after whitespace and case folding, parties by
municipality code or police area (or kind plus a fuzzy name), forums and priority areas
as sets of ids, signatories by folded name with fuzzy titles, reference numbers and
related documents as sets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samverkan_extract.fields import FIELDS, Counts, metrics

__all__ = ["Counts", "Report", "evaluate", "score_record"]


@dataclass
class Report:
    fields: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in metrics()})
    documents: dict[str, dict[str, Counts]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def per_field(self) -> str:
        """Document by document, each metric that is not perfect: its F1, tp, fp, fn."""
        lines = []
        for stem, scores in self.documents.items():
            for metric, c in scores.items():
                if c.fp or c.fn:
                    lines.append(
                        f"{stem:<40} {metric:<20} F1 {c.f1:.3f}  tp {c.tp} fp {c.fp} fn {c.fn}"
                    )
        return "\n".join(lines)

    def errors(self) -> str:
        """Every false negative ("missed", the gold value) and false positive ("extra",
        the predicted value and the evidence it was read from), document by document."""
        owner = {m: f.name for f in FIELDS for m in f.metrics}
        lines = []
        for stem, scores in self.documents.items():
            for metric, c in scores.items():
                for value in c.missed:
                    lines.append(f"{stem}  {metric}  missed: {value}")
                for value in c.extra:
                    quote = _evidence_for(self.predictions.get(stem, {}), owner[metric], value)
                    lines.append(
                        f"{stem}  {metric}  extra: {value}" + (f"  ← {quote!r}" if quote else "")
                    )
        return "\n".join(lines)

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


def score_record(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Counts]:
    """Every metric of every field, as the field registry scores it."""
    result: dict[str, Counts] = {}
    for f in FIELDS:
        if f.optional and f.name not in gold:
            continue  # an optional addition the gold record predates
        result.update(f.score(gold, pred))
    return result


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
        report.predictions[stem] = pred
        scores = score_record(gold, pred)
        report.documents[stem] = scores
        for name, counts in scores.items():
            report.fields[name].add(counts)
    return report


def _evidence_for(record: dict[str, Any], name: str, value: str) -> str | None:
    """The evidence of the predicted item a false positive came from, where it can be
    told: the first item of the field whose values the reported value mentions."""
    items = record.get(name)
    for item in items if isinstance(items, list) else [items]:
        if not isinstance(item, dict) or not isinstance(item.get("evidence"), dict):
            continue
        values = [str(v) for v in item.values() if isinstance(v, str | int | float) and v != ""]
        if any(v and v.casefold() in value.casefold() for v in values):
            text = " ".join(str(item["evidence"].get("text", "")).split())
            return text if len(text) <= 120 else text[:119] + "…"
    return None
