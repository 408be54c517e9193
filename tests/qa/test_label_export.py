"""Reviewed notes exported as labelled evaluation data: which notes, which labels, the CLI,
and `assistant eval` run on the export."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from assistant.cli import app as cli_app
from assistant.config import get_settings
from assistant.errors import InvalidInput
from assistant.qa import intake, label_export, misses, review
from assistant.qa.label_export import ExportFilters
from assistant.qa.models import MissedViolation, NoteFinding
from tests.qa.conftest import RULES_DIR

ARREST = "再不还就报警抓你"
PROMISE = "客户承诺月底还款"
ARREST_EN = "Told him we will send the police to arrest you tonight"


@pytest.fixture
def reviewed(db, make_user):
    """Notes in every review state; returns {name: note} and the reviewer."""
    author, reviewer = make_user("collector"), make_user("qa")

    def save(text, **kwargs):
        return intake.save_note(db, text=text, author=author, rules_dir=RULES_DIR, **kwargs)

    notes = {}
    notes["confirmed"], found = save(ARREST)
    review.decide(db, reviewer, [f.id for f in found], "confirmed")
    notes["dismissed_missed"], found = save(f"第二次：{ARREST}")
    review.decide(db, reviewer, [f.id for f in found], "dismissed", "the borrower said it")
    misses.add_miss(db, reviewer, notes["dismissed_missed"], category="disclosure.missing")
    notes["nothing_missed"], _ = save(PROMISE)
    misses.mark_nothing_missed(db, reviewer, notes["nothing_missed"])
    notes["withdrawn"], _ = save(f"第三次：{PROMISE}")
    miss = misses.add_miss(db, reviewer, notes["withdrawn"], category="unfair.fees")
    misses.withdraw_miss(db, reviewer, notes["withdrawn"], miss.id)
    notes["undecided"], _ = save(f"第四次：{ARREST}")
    misses.add_miss(db, reviewer, notes["undecided"], category="abuse.insult")
    notes["untouched"], _ = save(f"第五次：{PROMISE}")
    notes["english"], found = save(ARREST_EN, jurisdiction="us")
    review.decide(db, reviewer, [f.id for f in found], "escalated", "ask legal")
    assert intake.findings_of(db, notes["undecided"].id)  # the arrest threat is still flagged
    return notes, reviewer


def _export(db, filters: ExportFilters = ExportFilters()):
    out = io.StringIO()
    report = label_export.write_labels(db, out, filters)
    return {line["id"]: line for line in map(json.loads, out.getvalue().splitlines())}, report


def _categories(db, note) -> list[str]:
    return sorted({f.category for f in intake.findings_of(db, note.id)})


def test_only_reviewed_notes_are_exported_with_qa_labels(db, reviewed):
    notes, _reviewer = reviewed
    lines, report = _export(db)
    assert set(lines) == {f"qa-{notes[k].id}" for k in ("confirmed", "dismissed_missed",
                                                        "nothing_missed", "english")}
    confirmed = lines[f"qa-{notes['confirmed'].id}"]
    assert confirmed["labels"] == _categories(db, notes["confirmed"])
    assert "threat.arrest" in confirmed["labels"]
    assert confirmed["text"] == ARREST and confirmed["lang"] == "zh"
    assert confirmed["jurisdiction"] == "cn" and confirmed["checker_version"]
    assert datetime.fromisoformat(confirmed["reviewed_at"]).tzinfo is not None
    # dismissed findings are not labels; the miss is
    assert lines[f"qa-{notes['dismissed_missed'].id}"]["labels"] == ["disclosure.missing"]
    assert lines[f"qa-{notes['nothing_missed'].id}"]["labels"] == []
    english = lines[f"qa-{notes['english'].id}"]
    assert english["labels"] == _categories(db, notes["english"])  # escalated counts
    assert (english["lang"], english["jurisdiction"]) == ("en", "us")
    assert report.exported == 4
    assert report.skipped == {label_export.NOT_REVIEWED: 2, label_export.UNDECIDED: 1}
    assert "skipped 3: 2 not reviewed, 1 reviewed, but some findings" in report.summary()


def test_filters_by_language_jurisdiction_and_review_date(db, reviewed):
    notes, _reviewer = reviewed
    lines, report = _export(db, ExportFilters(lang="en"))
    assert list(lines) == [f"qa-{notes['english'].id}"] and report.filtered_out == 6
    lines, _ = _export(db, ExportFilters(jurisdiction="cn"))
    assert f"qa-{notes['english'].id}" not in lines and len(lines) == 3
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    lines, report = _export(db, ExportFilters(since=tomorrow))
    assert lines == {} and report.skipped[label_export.BEFORE_SINCE] == 4


def test_unknown_filter_values_are_refused_by_name():
    with pytest.raises(InvalidInput, match="lang: 'fr' is not one of zh, en"):
        ExportFilters(lang="fr")
    with pytest.raises(InvalidInput, match="jurisdiction: 'de' is not one of cn, us, uk"):
        ExportFilters(jurisdiction="de")


def test_a_dismissed_category_stays_a_label_when_another_finding_or_a_miss_confirms_it():
    found = [NoteFinding(note_id=1, rule_id="a", category="threat.arrest", severity="critical",
                         start=0, end=1, text="x", decision="dismissed"),
             NoteFinding(note_id=1, rule_id="b", category="threat.arrest", severity="critical",
                         start=2, end=3, text="y", decision="confirmed"),
             NoteFinding(note_id=1, rule_id="c", category="abuse.insult", severity="high",
                         start=4, end=5, text="z", decision="dismissed"),
             NoteFinding(note_id=1, rule_id="d", category="unfair.fees", severity="high",
                         start=6, end=7, text="w", decision="dismissed")]
    missed = [MissedViolation(note_id=1, category="abuse.insult", reviewer_id=1),
              MissedViolation(note_id=1, category="visit.conduct", reviewer_id=1,
                              withdrawn_at=datetime.now(UTC))]
    assert label_export.labels_of(found, missed) == ["abuse.insult", "threat.arrest"]


@pytest.fixture
def cli(settings, engine, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(settings.var_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(cli_app, list(args), catch_exceptions=False)
    get_settings.cache_clear()


def test_cli_export_then_eval_measures_the_checker_against_qa(cli, db, reviewed, tmp_path):
    notes, _reviewer = reviewed
    out = tmp_path / "labels.jsonl"
    result = cli("qa", "export-labels", str(out), "--jurisdiction", "cn")
    assert result.exit_code == 0, result.output
    assert "exported 3 notes" in result.output and "2 not reviewed" in result.output
    assert not (tmp_path / "labels.jsonl.partial").exists()

    evaluated = cli("eval", str(out), "--json", "--rules-dir", str(RULES_DIR))
    assert evaluated.exit_code == 0, evaluated.output
    figures = json.loads(evaluated.stdout.strip().splitlines()[-1])
    assert figures["notes"] == 3
    # The miss is a false negative of the checker: recall now has something to count.
    assert figures["per_category"]["disclosure.missing"]["fn"] == 1
    arrest = figures["per_category"]["threat.arrest"]
    assert (arrest["tp"], arrest["fp"]) == (1, 1)  # confirmed once, dismissed once
    assert figures["compliant_notes"] == 1  # the "nothing missed" note


def test_cli_refuses_a_bad_language_and_writes_nothing(cli, tmp_path):
    with pytest.raises(InvalidInput, match="lang: 'fr' is not one of zh, en"):
        cli("qa", "export-labels", str(tmp_path / "x.jsonl"), "--lang", "fr")
    with pytest.raises(InvalidInput, match="does not exist"):
        cli("qa", "export-labels", str(tmp_path / "no" / "x.jsonl"))
    assert list(tmp_path.glob("*.jsonl*")) == []
