"""Figures of the checker on external data: real text that no one here wrote.

The folder `../shared/eval/external` (beside the repository) holds public datasets, each with a
SOURCE.md that maps its labels to our category ids. None of them is a set of collectors' notes:
CFPB complaints are consumers describing what a collector did, COLD and SWSR are Chinese social
media comments. So the figures are narrow on purpose: how often real clean text gets a finding
(false-positive rates), how often an insult that a label marks is caught (recall), and for CFPB
per-category precision and recall against weak, consumer-chosen labels.

Nobody tunes rules on these files: the figures only say how the packs do on text they were not
written for. This module reads and scores; the command that prints is in cli.py.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from assistant.compliance.checker import Checker
from assistant.compliance.evaluation import Counts
from assistant.compliance.findings import Finding
from assistant.compliance.rules import CATEGORIES
from assistant.config import PROJECT_ROOT
from assistant.errors import InvalidInput

DEFAULT_EXTERNAL_DIR = PROJECT_ROOT.parent / "shared" / "eval" / "external"

INSULT = "abuse.insult"
PROFANITY = "abuse.profanity"
ABUSE_PREFIX = "abuse."

# What a subset's figures mean.
RECALL = "recall"  # the rows carry a label that maps to abuse.insult: the insult column is recall
CLEAN = "clean"  # the rows should get no finding: every column is a false-positive rate
LABELLED = "labelled"  # rows with labels of several categories: scored per category
OTHER = "other"  # shown for context, not scored


@dataclass(frozen=True)
class Subset:
    """A group of rows that one figure is given for, e.g. COLD fine-grained label 1."""

    name: str
    kind: str  # RECALL, CLEAN, LABELLED or OTHER
    reference: str = ""  # the plain keyword checker's figure, where ../shared/eval gives one


@dataclass(frozen=True)
class Item:
    """One usable row: its text, how to check it, and what its label maps to."""

    line: int  # the file line the row starts on (a text may span several lines)
    key: str  # the row's own id in the file
    text: str
    lang: str
    jurisdiction: str
    labels: frozenset[str]  # our ids the row's label maps to; empty: no finding expected
    subsets: tuple[str, ...]  # names of the subsets the row is counted in
    scored: bool = True  # False: the label says nothing we check (shown, never an error)


@dataclass
class Read:
    """The rows of one file: those that could be used, and one problem per skipped row."""

    items: list[Item] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    path: str  # relative to the external folder
    grouped_by: str  # the column the subsets come from, for the table header
    read: Callable[[Path], Read]
    subsets: tuple[Subset, ...]
    per_category: bool  # per-category precision and recall against the row labels are shown


# -- reading ----------------------------------------------------------------------------------
def _where(path: Path, line: int) -> str:
    return f"{path.parent.name}/{path.name}:{line}"


def _decoded_lines(handle: BinaryIO, bad: set[int]) -> Iterator[str]:
    """The file's lines as text. Decoded one line at a time so that a byte that is not UTF-8
    spoils the row it is in, not the whole file; the BOM of the first line is dropped."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode("utf-8", errors="replace")


def _csv_rows(path: Path, required: Sequence[str], read: Read
              ) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line, row as a dict) per CSV record. Quoted fields may hold newlines, so a record
    is numbered by the line it starts on. A record that cannot be used is added to
    `read.skipped` with file and line, and not yielded; a missing column is an error."""
    bad_lines: set[int] = set()
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle, bad_lines))
        header = next(reader, None) or []
        missing = [column for column in required if column not in header]
        if missing:
            raise InvalidInput(f"{path}: no column(s) {', '.join(map(repr, missing))} in the "
                               "header line; see the SOURCE.md beside it")
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a field over the csv module's size limit
                read.skipped.append(f"{_where(path, start)}: not a CSV record ({exc})")
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            if not row:  # a blank line
                continue
            if any(number in bad_lines for number in range(line, start)):
                read.skipped.append(f"{_where(path, line)}: not UTF-8")
            elif len(row) != len(header):
                read.skipped.append(f"{_where(path, line)}: {len(row)} field(s), the header has "
                                    f"{len(header)}")
            else:
                yield line, dict(zip(header, row, strict=True))


def _text(row: dict[str, str], column: str, path: Path, line: int, read: Read) -> str | None:
    text = row[column]
    if not text.strip():
        read.skipped.append(f"{_where(path, line)}: empty {column!r}")
        return None
    return text


CFPB_TEXT = "Consumer complaint narrative"
CFPB_LABELS = "proposed_category_ids"
CFPB_MAPPED = Subset("sub-issue maps to our ids", LABELLED)
# SOURCE.md: `none` rows are not clean negatives (many still describe calls, threats or
# rudeness), but their flag rate is the figure the keyword checker is compared on.
CFPB_NONE = Subset("sub-issue maps to none (weak)", CLEAN,
                   reference="plain keyword checker: 29%")


def read_cfpb(path: Path) -> Read:
    """CFPB complaints: English, US; labels from `proposed_category_ids` (`;`-separated ids or
    `none`), which SOURCE.md derived from the consumer's sub-issue."""
    read = Read()
    for line, row in _csv_rows(path, (CFPB_TEXT, CFPB_LABELS), read):
        value = row[CFPB_LABELS].strip()
        labels = frozenset() if value == "none" else frozenset(
            part.strip() for part in value.split(";") if part.strip())
        unknown = sorted(labels - set(CATEGORIES))
        if unknown or (not labels and value != "none"):
            read.skipped.append(f"{_where(path, line)}: {CFPB_LABELS} {value!r} is not 'none' "
                                "or ';'-separated category ids")
            continue
        if (text := _text(row, CFPB_TEXT, path, line, read)) is None:
            continue
        subset = CFPB_MAPPED if labels else CFPB_NONE
        read.items.append(Item(line, row.get("Complaint ID", ""), text, "en", "us", labels,
                               (subset.name,)))
    return read


COLD_SUBSETS = {  # fine-grained label -> (subset, our ids), as cold/SOURCE.md maps them
    "1": (Subset("1 attack on an individual", RECALL,
                 reference="plain keyword checker: 0.04"), frozenset({INSULT})),
    "2": (Subset("2 attack on a group (weak)", RECALL), frozenset({INSULT})),
    "0": (Subset("0 safe", CLEAN), frozenset()),
    "3": (Subset("3 safe, anti-bias (hard negative)", CLEAN), frozenset()),
}


def _read_cold(path: Path, column: str, subsets: dict[str, tuple[Subset, frozenset[str]]],
               expected: str) -> Read:
    """A COLD split: Chinese, checked as cn; the label `column` says which subset a row is."""
    read = Read()
    for line, row in _csv_rows(path, (column, "TEXT"), read):
        value = row[column].strip()
        if value not in subsets:
            read.skipped.append(f"{_where(path, line)}: {column} {value!r} is not {expected}")
            continue
        if (text := _text(row, "TEXT", path, line, read)) is None:
            continue
        subset, labels = subsets[value]
        read.items.append(Item(line, row[""] if "" in row else str(line), text, "zh", "cn",
                               labels, (subset.name,)))
    return read


def read_cold_test(path: Path) -> Read:
    """COLD test split: the fine-grained label says which subset."""
    return _read_cold(path, "fine-grained-label", COLD_SUBSETS, "0, 1, 2 or 3")


COLD_DEV_SUBSETS = {  # dev has only the coarse label; 1 is insult or profanity, unsplit
    "1": (Subset("1 offensive", RECALL), frozenset({INSULT, PROFANITY})),
    "0": (Subset("0 safe", CLEAN), frozenset()),
}


def read_cold_dev(path: Path) -> Read:
    """COLD dev split: the coarse label only (more real Chinese text for false positives)."""
    return _read_cold(path, "label", COLD_DEV_SUBSETS, "0 or 1")


SWSR_CLEAN = Subset("0 not sexist", CLEAN)
SWSR_TARGET_I = Subset("1, target I (weak)", RECALL)
SWSR_SO = Subset("1, category SO", RECALL)
# SOURCE.md: MA and SCB are mostly opinions, not insults a note would contain; generic ones are
# left out of the figures (a row at a person is still counted under target I).
SWSR_GENERIC = Subset("1, target G, not SO", OTHER)
SWSR_CATEGORIES = {"SA", "SCB", "MA", "SO"}


def read_swsr(path: Path) -> Read:
    """SWSR Weibo comments: Chinese, checked as cn. A sexist comment at a person is a weak
    abuse.insult, a sexual offence abuse.insult or abuse.profanity; a row can be both."""
    read = Read()
    for line, row in _csv_rows(path, ("comment_text", "label", "category", "target"), read):
        label, category, target = (row[c].strip() for c in ("label", "category", "target"))
        if label == "0":
            subsets, labels = [SWSR_CLEAN], frozenset()
        elif label == "1" and category in SWSR_CATEGORIES and target in ("I", "G"):
            subsets = [s for s, is_in in ((SWSR_TARGET_I, target == "I"),
                                          (SWSR_SO, category == "SO")) if is_in]
            labels = frozenset({INSULT}) | (frozenset({PROFANITY}) if category == "SO"
                                            else frozenset())
            if not subsets:
                subsets, labels = [SWSR_GENERIC], frozenset()
        else:
            read.skipped.append(f"{_where(path, line)}: label {label!r}, category {category!r},"
                                f" target {target!r} is not a labelling SOURCE.md describes")
            continue
        if (text := _text(row, "comment_text", path, line, read)) is None:
            continue
        read.items.append(Item(line, row["index"] if "index" in row else str(line), text,
                               "zh", "cn", labels, tuple(s.name for s in subsets),
                               scored=subsets != [SWSR_GENERIC]))
    return read


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("cfpb", "CFPB debt-collection complaints (en, us; weak labels)",
            "cfpb-debt-collection/debt_collection_narratives.csv", "Sub-issue", read_cfpb,
            (CFPB_MAPPED, CFPB_NONE), per_category=True),
    Dataset("cold", "COLD test (zh, cn)", "cold/test.csv", "fine-grained-label", read_cold_test,
            tuple(subset for subset, _ in COLD_SUBSETS.values()), per_category=False),
    Dataset("swsr", "SWSR Weibo comments (zh, cn)", "swsr/SexComment.csv", "label, category, target", read_swsr,
            (SWSR_TARGET_I, SWSR_SO, SWSR_CLEAN, SWSR_GENERIC), per_category=False),
    Dataset("cold-dev", "COLD dev (zh, cn; coarse labels)", "cold/dev.csv", "label", read_cold_dev,
            tuple(subset for subset, _ in COLD_DEV_SUBSETS.values()), per_category=False),
)}
# `all`: the three datasets the figures are reported for; cold-dev only when asked for.
MAIN_DATASETS = ("cfpb", "cold", "swsr")


def selected(name: str) -> list[Dataset]:
    if name == "all":
        return [DATASETS[n] for n in MAIN_DATASETS]
    if name not in DATASETS:
        raise InvalidInput(f"--dataset: {name!r} is not one of {', '.join(DATASETS)} or all")
    return [DATASETS[name]]


def dataset_file(root: Path, dataset: Dataset) -> Path:
    """The dataset's CSV under `root`; an error names the folder or file that is missing."""
    if not root.is_dir():
        raise InvalidInput(f"{root}: external data folder not found (expected "
                           "../shared/eval/external beside the repository; give --path)")
    path = root / dataset.path
    if not path.is_file():
        raise InvalidInput(f"{path}: not found (dataset {dataset.name}: {dataset.path} under "
                           f"{root})")
    return path


# -- scoring ----------------------------------------------------------------------------------
@dataclass
class SubsetFigures:
    subset: Subset
    notes: int = 0
    flagged: int = 0  # any finding
    insult: int = 0  # an abuse.insult finding
    abuse: int = 0  # any abuse.* finding

    def rate(self, count: int) -> float:
        return count / self.notes if self.notes else 0.0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"subset": self.subset.name, "kind": self.subset.kind,
                                "notes": self.notes}
        for key, count in (("any_finding", self.flagged), ("abuse_insult", self.insult),
                           ("any_abuse", self.abuse)):
            data[key] = count
            data[f"{key}_rate"] = round(self.rate(count), 4)
        if self.subset.reference:
            data["reference"] = self.subset.reference
        return data


@dataclass
class Example:
    """A false positive (a row that should get no finding and got one) or a miss (a row with
    labels and none of them found)."""

    item: Item
    findings: list[Finding]

    def as_dict(self, width: int) -> dict[str, Any]:
        return {"line": self.item.line, "key": self.item.key,
                "labels": sorted(self.item.labels),
                "text": excerpt(self.item.text, self.findings, width),
                "findings": [{"rule_id": f.rule_id, "category": f.category, "text": f.text}
                             for f in self.findings]}


@dataclass
class DatasetReport:
    dataset: Dataset
    path: Path
    skipped: list[str]
    subsets: list[SubsetFigures]
    rows: int = 0  # rows checked
    per_category: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    clean_notes: int = 0
    clean_rules: Counter[str] = field(default_factory=Counter)  # rule id -> clean rows it fired on
    false_positives: list[Example] = field(default_factory=list)
    misses: list[Example] = field(default_factory=list)

    def subset(self, name: str) -> SubsetFigures:
        return next(figures for figures in self.subsets if figures.subset.name == name)

    def as_dict(self, examples: int = 0, width: int = 200) -> dict[str, Any]:
        data: dict[str, Any] = {
            "dataset": self.dataset.name, "title": self.dataset.title, "file": self.dataset.path,
            "rows": self.rows, "skipped": self.skipped,
            "subsets": [figures.as_dict() for figures in self.subsets],
            "clean_notes": self.clean_notes,
            "top_rules_on_clean_text": dict(self.clean_rules.most_common()),
        }
        if self.dataset.per_category:
            data["per_category"] = {c: n.as_dict() for c, n in sorted(self.per_category.items())}
            data["micro"] = self.micro.as_dict()
        if examples:
            data["false_positives"] = [e.as_dict(width) for e in self.false_positives[:examples]]
            data["misses"] = [e.as_dict(width) for e in self.misses[:examples]]
        return data


def score(checker: Checker, dataset: Dataset, path: Path, read: Read,
          on_checked: Callable[[], None] | None = None) -> DatasetReport:
    """Check every item (through check_many, so that notes are batched) and count. `on_checked`
    is called once per checked item (for a progress bar)."""
    report = DatasetReport(dataset, path, list(read.skipped),
                           [SubsetFigures(subset) for subset in dataset.subsets])
    figures = {f.subset.name: f for f in report.subsets}
    clean = {s.name for s in dataset.subsets if s.kind == CLEAN}
    notes = ({"text": i.text, "lang": i.lang, "jurisdiction": i.jurisdiction}
             for i in read.items)
    for item, findings in zip(read.items, checker.check_many(notes), strict=True):
        report.rows += 1
        found = frozenset(f.category for f in findings)
        for name in item.subsets:
            counts = figures[name]
            counts.notes += 1
            counts.flagged += bool(found)
            counts.insult += INSULT in found
            counts.abuse += any(c.startswith(ABUSE_PREFIX) for c in found)
        if clean.intersection(item.subsets):
            report.clean_notes += 1
            report.clean_rules.update({f.rule_id for f in findings})
            if findings:
                report.false_positives.append(Example(item, findings))
        if item.scored:
            _count_categories(report, item.labels, found)
            if item.labels and not item.labels & found:
                report.misses.append(Example(item, findings))
        if on_checked is not None:
            on_checked()
    for counts in report.per_category.values():
        report.micro.tp += counts.tp
        report.micro.fp += counts.fp
        report.micro.fn += counts.fn
    return report


def _count_categories(report: DatasetReport, labels: frozenset[str],
                      found: frozenset[str]) -> None:
    """Note-level, as `assistant eval` counts: the set of categories found against the labels."""
    for category in labels | found:
        counts = report.per_category.setdefault(category, Counts())
        if category in labels and category in found:
            counts.tp += 1
        elif category in found:
            counts.fp += 1
        else:
            counts.fn += 1


def excerpt(text: str, findings: Iterable[Finding], width: int = 200) -> str:
    """The text on one line, at most about `width` characters: around the first finding when
    there is one (a CFPB complaint runs to thousands of characters), else its start."""
    first = min(findings, key=lambda f: f.start, default=None)
    start = 0 if first is None else max(0, first.start - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    shown = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + shown + ("…" if end < len(text) else "")
