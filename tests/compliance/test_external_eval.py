"""`assistant eval-external`: reading the external datasets with their label mappings, the
figures, and the command. The fixtures under tests/data/external are invented sentences laid out
like the real files (BOM, quoted newlines, malformed rows); the figures below are counted by hand
from them, with the project's real rule packs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.compliance import external_eval as external
from assistant.compliance.checker import Checker, get_checker
from assistant.compliance.findings import Finding
from assistant.config import PROJECT_ROOT
from assistant.errors import InvalidInput

PROJECT_RULES = PROJECT_ROOT / "compliance_rules"
FIXTURES = Path(__file__).resolve().parent.parent / "data" / "external"
runner = CliRunner()


@pytest.fixture(scope="module")
def real_checker() -> Checker:
    return get_checker(PROJECT_RULES)


def read(name: str, root: Path = FIXTURES) -> external.Read:
    dataset = external.DATASETS[name]
    return dataset.read(external.dataset_file(root, dataset))


def report_of(name: str, checker: Checker) -> external.DatasetReport:
    dataset = external.DATASETS[name]
    path = external.dataset_file(FIXTURES, dataset)
    return external.score(checker, dataset, path, dataset.read(path))


def figures(report: external.DatasetReport, subset: str) -> tuple[int, int, int, int]:
    counts = report.subset(subset)
    return counts.notes, counts.flagged, counts.insult, counts.abuse


# -- reading ----------------------------------------------------------------------------------
def test_cfpb_rows_labels_and_skipped_rows_with_file_and_line():
    result = read("cfpb")
    # Complaints 9000002 and 9000003 have a newline inside the narrative: numbered by the line
    # they start on. The BOM does not end up in the first column name.
    assert [(i.line, i.key) for i in result.items] == [
        (2, "9000001"), (3, "9000002"), (5, "9000003"), (7, "9000004"), (8, "9000005")]
    first = result.items[0]
    assert first.labels == {"threat.arrest", "false_rep.misleading"}
    assert (first.lang, first.jurisdiction) == ("en", "us")
    assert "\n" in result.items[1].text
    assert [i.subsets for i in result.items[2:]] == [(external.CFPB_NONE.name,)] * 3
    assert all(not i.labels for i in result.items[2:])
    assert result.skipped == [
        "cfpb-debt-collection/debt_collection_narratives.csv:9: proposed_category_ids "
        "'threat.arest' is not 'none' or ';'-separated category ids",
        "cfpb-debt-collection/debt_collection_narratives.csv:10: 8 field(s), the header has 21"]


def test_cold_fine_grained_labels_map_as_source_md_says():
    result = read("cold")
    by_key = {i.key: i for i in result.items}
    assert set(by_key) == {"101", "102", "103", "104", "105", "106", "107"}
    assert by_key["101"].labels == by_key["103"].labels == {"abuse.insult"}
    assert by_key["101"].subsets == ("1 attack on an individual",)
    assert by_key["103"].subsets == ("2 attack on a group (weak)",)
    assert by_key["104"].labels == by_key["107"].labels == frozenset()
    assert by_key["107"].subsets == ("3 safe, anti-bias (hard negative)",)
    assert by_key["105"].text == "我觉得这个政策\n还需要再讨论一下"
    assert (by_key["105"].lang, by_key["105"].jurisdiction) == ("zh", "cn")
    assert result.skipped == ["cold/test.csv:10: fine-grained-label '7' is not 0, 1, 2 or 3",
                              "cold/test.csv:11: 4 field(s), the header has 6"]


def test_swsr_target_and_category_subsets_overlap_and_generic_opinions_are_not_scored():
    by_key = {i.key: i for i in read("swsr").items}
    assert by_key["1"].subsets == ("0 not sexist",) and not by_key["1"].labels
    assert by_key["3"].subsets == ("1, target I (weak)",)
    assert by_key["3"].labels == {"abuse.insult"}
    assert by_key["4"].subsets == ("1, category SO",)
    assert by_key["4"].labels == {"abuse.insult", "abuse.profanity"}
    assert by_key["6"].subsets == ("1, target I (weak)", "1, category SO")
    assert by_key["5"].subsets == ("1, target G, not SO",) and not by_key["5"].scored
    assert read("swsr").skipped == ["swsr/SexComment.csv:9: label '1', category 'XX', target "
                                    "'I' is not a labelling SOURCE.md describes"]


def test_cold_dev_has_the_coarse_label_only():
    result = read("cold-dev")
    assert [(i.key, sorted(i.labels)) for i in result.items] == [
        ("201", ["abuse.insult", "abuse.profanity"]), ("202", [])]
    assert result.skipped == ["cold/dev.csv:5: label '2' is not 0 or 1"]


def test_a_row_that_is_not_utf8_or_too_big_is_skipped_and_the_others_are_read(tmp_path):
    folder = tmp_path / "cold"
    folder.mkdir()
    content = ("\ufeff,split,topic,label,fine-grained-label,TEXT\n"
               "1,test,race,0,0,今天下雨了\n").encode() + b"2,test,race,0,0,\xff\xfe\n" + (
        "3,test,race,0,0," + "长" * 140_000 + "\n4,test,race,0,3,明天见\n").encode()
    (folder / "test.csv").write_bytes(content)
    result = read("cold", tmp_path)
    assert [i.key for i in result.items] == ["1", "4"]
    assert result.skipped[0] == "cold/test.csv:3: not UTF-8"
    assert result.skipped[1].startswith("cold/test.csv:4: not a CSV record (field larger")


def test_a_missing_column_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "swsr").mkdir()
    (tmp_path / "swsr" / "SexComment.csv").write_text("index,comment_text,label\n1,x,0\n",
                                                      "utf-8")
    with pytest.raises(InvalidInput, match=r"SexComment.csv: no column\(s\) 'category', "
                                           "'target'"):
        read("swsr", tmp_path)


def test_missing_folder_and_missing_file_are_named(tmp_path):
    with pytest.raises(InvalidInput, match="nothing: external data folder not found"):
        external.dataset_file(tmp_path / "nothing", external.DATASETS["cold"])
    with pytest.raises(InvalidInput, match=r"swsr/SexComment.csv: not found \(dataset swsr"):
        external.dataset_file(tmp_path, external.DATASETS["swsr"])


# -- figures ----------------------------------------------------------------------------------
def test_cold_figures_counted_by_hand(real_checker):
    report = report_of("cold", real_checker)
    assert report.rows == 7 and len(report.skipped) == 2
    # 101 老赖/不要脸 caught, 102 (no insult in the words) missed.
    assert figures(report, "1 attack on an individual") == (2, 1, 1, 1)
    assert report.subset("1 attack on an individual").rate(1) == 0.5
    assert figures(report, "2 attack on a group (weak)") == (1, 1, 1, 1)
    # 104 and 105 are plain; 106 says 他妈的 (profanity, not an insult).
    assert figures(report, "0 safe") == (3, 1, 0, 1)
    assert figures(report, "3 safe, anti-bias (hard negative)") == (1, 0, 0, 0)
    assert report.clean_notes == 4
    assert [e.item.key for e in report.false_positives] == ["106"]
    assert {f.category for f in report.false_positives[0].findings} == {"abuse.profanity"}
    assert sum(report.clean_rules.values()) == len(report.clean_rules)  # one row, each rule once
    assert [e.item.key for e in report.misses] == ["102"]


def test_swsr_figures_counted_by_hand(real_checker):
    report = report_of("swsr", real_checker)
    assert figures(report, "1, target I (weak)") == (2, 2, 2, 2)  # 贱货, 贱货/不要脸
    assert figures(report, "1, category SO") == (2, 1, 1, 1)  # row 4 has no insult word
    assert figures(report, "0 not sexist") == (2, 0, 0, 0)
    assert figures(report, "1, target G, not SO")[0] == 1
    assert report.false_positives == [] and [e.item.key for e in report.misses] == ["4"]


def test_cfpb_figures_counted_by_hand(real_checker):
    report = report_of("cfpb", real_checker)
    # Of the three `none` complaints only 9000004 (the boss to be told) gets a finding.
    assert figures(report, external.CFPB_NONE.name)[:2] == (3, 1)
    assert [e.item.key for e in report.false_positives] == ["9000004"]
    arrest = report.per_category["threat.arrest"]
    assert (arrest.tp, arrest.fp, arrest.fn) == (1, 0, 0)
    assert report.per_category["false_rep.misleading"].fn == 1
    assert report.per_category["harassment.frequency"].fn == 1
    # 9000001 counts as caught (one of its two categories found): only 9000002 is a miss.
    assert [e.item.key for e in report.misses] == ["9000002"]
    assert report.micro.tp == 1 and report.micro.fn == 2
    assert report.micro.fp == sum(c.fp for c in report.per_category.values()) >= 1


class FixedChecker:
    """Stands in for the checker where the figures must not depend on the rule packs."""

    def __init__(self, categories: list[list[str]]):
        self.categories = categories

    def check_many(self, items):
        for item, categories in zip(items, self.categories, strict=True):
            yield [Finding(f"x.{c}", c, "high", 0, 1, item["text"][:1], "", "", "")
                   for c in categories]


def test_rates_per_category_and_top_rules_from_given_findings():
    dataset = external.DATASETS["cold"]
    path = external.dataset_file(FIXTURES, dataset)
    result = dataset.read(path)
    # Keys 101..107: fine-grained 1, 1, 2, 0, 0, 0, 3.
    found = [["abuse.insult"], ["abuse.profanity"], [], ["threat.arrest"], [],
             ["abuse.insult", "threat.arrest"], ["vulnerability.indicator"]]
    report = external.score(FixedChecker(found), dataset, path, result)
    assert figures(report, "1 attack on an individual") == (2, 2, 1, 2)
    assert figures(report, "0 safe") == (3, 2, 1, 1)
    assert figures(report, "3 safe, anti-bias (hard negative)") == (1, 1, 0, 0)
    assert report.clean_rules == {"x.threat.arrest": 2, "x.abuse.insult": 1,
                                  "x.vulnerability.indicator": 1}
    assert [e.item.key for e in report.misses] == ["102", "103"]
    insult = report.per_category["abuse.insult"]
    assert (insult.tp, insult.fp, insult.fn) == (1, 1, 2)
    data = report.as_dict(examples=1)
    assert data["subsets"][2] == {
        "subset": "0 safe", "kind": "clean", "notes": 3, "any_finding": 2,
        "any_finding_rate": 0.6667, "abuse_insult": 1, "abuse_insult_rate": 0.3333,
        "any_abuse": 1, "any_abuse_rate": 0.3333}
    assert "per_category" not in data  # COLD labels say nothing of the other categories
    assert [e["key"] for e in data["false_positives"]] == ["104"]


def test_excerpt_centres_on_the_first_finding_and_keeps_one_line():
    text = "a" * 500 + " bad\nword " + "b" * 500
    start = text.index("bad")
    finding = Finding("r", "abuse.insult", "high", start, start + 3, "bad", "", "", "")
    shown = external.excerpt(text, [finding], width=60)
    assert shown.startswith("…") and shown.endswith("…") and "bad word" in shown
    assert len(shown) <= 62 and "\n" not in shown
    assert external.excerpt("short", []) == "short"


# -- the command ------------------------------------------------------------------------------
def run(*args: str):
    return runner.invoke(app, ["eval-external", *args, "--rules-dir", str(PROJECT_RULES)])


def test_command_json_has_every_dataset_and_the_hand_counted_figures():
    result = run("--path", str(FIXTURES), "--json", "--errors", "5")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(summary["datasets"]) == ["cfpb", "cold", "swsr"]
    cold = summary["datasets"]["cold"]
    assert cold["rows"] == 7 and cold["subsets"][0]["abuse_insult_rate"] == 0.5
    assert cold["subsets"][0]["reference"] == "plain keyword checker: 0.04"
    assert cold["skipped"][0] == "cold/test.csv:10: fine-grained-label '7' is not 0, 1, 2 or 3"
    assert [e["key"] for e in cold["misses"]] == ["102"]
    assert cold["false_positives"][0]["findings"][0]["category"] == "abuse.profanity"
    cfpb = summary["datasets"]["cfpb"]
    assert cfpb["subsets"][1]["any_finding"] == 1 and cfpb["subsets"][1]["notes"] == 3
    assert cfpb["per_category"]["threat.arrest"]["tp"] == 1
    assert summary["rules_version"]


def test_command_tables_show_reference_top_rules_and_examples():
    result = run("--path", str(FIXTURES), "--dataset", "cold", "--errors", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "COLD test" in out and "1 attack on an individual" in out
    assert "abuse.insult recall on 1 attack on an individual: 1/2 = 0.500 (plain keyword " \
           "checker: 0.04)" in " ".join(out.split())
    assert "Top rules firing on clean text (4 clean rows" in out
    assert "cold: false positives, 1 of 1" in out and "cold/test.csv:8" in out
    assert "cold: misses, 1 of 1" in out and "cold/test.csv:3" in out
    assert "skipped cold/test.csv:11: 4 field(s)" in result.stderr


def test_command_cfpb_table_has_the_none_share_and_per_category():
    result = run("--path", str(FIXTURES), "--dataset", "cfpb")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "Any finding on sub-issue maps to none (weak): 1/3 = 33.3% (plain keyword " \
           "checker: 29%)" in flat
    assert "threat.arrest" in flat and "micro" in flat


def test_command_names_a_missing_folder_or_file(tmp_path):
    result = run("--path", str(tmp_path / "absent"))
    assert result.exit_code != 0
    assert isinstance(result.exception, InvalidInput)
    assert "absent: external data folder not found" in str(result.exception)
    shutil.copytree(FIXTURES / "cold", tmp_path / "cold")
    result = run("--path", str(tmp_path), "--dataset", "swsr")
    assert "swsr/SexComment.csv: not found" in str(result.exception)
    result = run("--path", str(tmp_path), "--dataset", "weibo")
    assert "--dataset: 'weibo' is not one of" in str(result.exception)


# -- the real data, when it is beside the repository ------------------------------------------
@pytest.mark.skipif(not external.DEFAULT_EXTERNAL_DIR.is_dir(),
                    reason="../shared/eval/external is not beside the repository")
@pytest.mark.parametrize(("name", "rows"), [("cfpb", 327), ("cold", 5323), ("swsr", 8969)])
def test_the_real_files_are_read_whole(name, rows):
    result = read(name, external.DEFAULT_EXTERNAL_DIR)
    assert len(result.items) == rows and result.skipped == []
