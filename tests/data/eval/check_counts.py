#!/usr/bin/env python3
"""Validate the project's own labelled notes (dev.jsonl, heldout.jsonl) and print counts.

Plain python3, no third-party imports. Run from anywhere:

    python3 tests/data/eval/check_counts.py            # counts + checks, exit 1 on failure
    python3 tests/data/eval/check_counts.py --dev-only # do not open heldout.jsonl

Checks: JSON well-formed; required keys; ids unique across both files and prefixed
own-/ho- by file and by language; categories valid (ids from ../../../../shared TAXONOMY
contract, hard-coded below); disclosure.missing only on en notes; per-category per-language
minimums (dev >= 10, heldout >= 4, combined >= 14); compliant share >= 40%; zh notes in
Traditional characters / full-width letters or digits / spaced or symbol-obfuscated words
>= 25%; privacy.pii_in_notes positives carry at least one checksum-valid number and
compliant notes carry none; no exact duplicate texts; no text copied from the shared
../shared/eval/dev.jsonl (beside the repository) (if that file is present).
"""
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [("dev", "dev.jsonl", "own"), ("heldout", "heldout.jsonl", "ho")]
CATEGORIES = [
    "threat.violence", "threat.arrest", "threat.unlawful_action", "threat.exposure",
    "threat.intimidation", "abuse.insult", "abuse.profanity", "false_rep.impersonation",
    "false_rep.misleading", "harassment.time", "harassment.frequency",
    "harassment.cease_ignored", "privacy.third_party_disclosure", "privacy.pii_in_notes",
    "unfair.personal_account", "unfair.borrow_to_repay", "unfair.fees", "visit.conduct",
    "vulnerability.indicator", "disclosure.missing",
]
EN_ONLY = {"disclosure.missing"}
MIN_FILE = {"dev": 10, "heldout": 4}
MIN_TOTAL = 14
MIN_COMPLIANT = 0.40
MIN_ZH_VARIANT = 0.25
SHARED_DEV = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "eval", "dev.jsonl"))

# Characters that only occur in Traditional Chinese (their Simplified forms differ), plus
# common Cantonese particles. Not exhaustive; enough to recognise a Traditional note.
TRAD = set(
    "錢還報電話說們時個這會對給讓帳戶額門視車號證債銀發過經見長無當從與來開關網聯繫業務處應據條將認識記錄險續費"
    "問題碼區員單離請邊擔連鄰傳樓媽寫聽準備啟導斷監獄綁殺嚇罵髒騙賴剛確認並隨擾擊緊療醫喪歲殘幾點鐘讀學體機場"
    "間東動麼貸嗎師協議訴撥聲義裡張劉陳館滿紅氣鬧實後劃產數齊頭決嚴語詞諾樣職細啓臉買賣專項"
    "佢咗唔嘅冇俾喺哋搵嚟啲嘢咁嗰乜畀睇瞓揸晏"
)
CJK = r"[\u3400-\u9fff]"
OBFUSCATED = re.compile(CJK + r"(?:[ \u3000]+|[*＊\-_·.~])" + CJK)
FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def zh_variant(text):
    kinds = []
    if any(ch in TRAD for ch in text):
        kinds.append("traditional")
    if FULLWIDTH_ALNUM.search(text):
        kinds.append("fullwidth")
    if OBFUSCATED.search(text):
        kinds.append("obfuscated")
    return kinds


# ---- identifiers with checksums -------------------------------------------------------
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id_ok(s):
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
    if not (1900 <= y <= 2025 and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    return "10X98765432"[sum(int(a) * b for a, b in zip(s[:17], W, strict=True)) % 11] == s[17]


def luhn_ok(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def ssn_ok(a, g, s):
    return a not in ("000", "666") and not a.startswith("9") and g != "00" and s != "0000" \
        and f"{a}-{g}-{s}" not in ("078-05-1120", "219-09-9999", "123-45-6789")


NINO = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")


def valid_numbers(text):
    """Full identifiers in the text that pass their checksum / format rules."""
    t = unicodedata.normalize("NFKC", text)
    found = []
    # digit runs allowing single spaces or dashes between groups
    for m in re.finditer(r"\d[\d \-]{7,30}[\dX]", t):
        raw = m.group(0)
        digits = re.sub(r"[ \-]", "", raw)
        if len(digits) == 18 and cn_id_ok(digits):
            found.append(("cn_id", raw))
        elif digits.isdigit() and 16 <= len(digits) <= 19 and luhn_ok(digits):
            found.append(("card", raw))
    for m in re.finditer(r"(?<![\d\-])(\d{3})[\- ]?(\d{2})[\- ]?(\d{4})(?![\d\-])", t):
        if ssn_ok(*m.groups()) and re.search(r"\bSSN\b|\bss ?#|\bsocial\b|\bsoc sec", t, re.I):
            found.append(("ssn", m.group(0)))
    for m in NINO.finditer(t):
        found.append(("nino", m.group(0)))
    return found


# ---- main -------------------------------------------------------------------------------
def main():
    dev_only = "--dev-only" in sys.argv
    errors, data = [], {}
    ids = set()
    shared_texts = set()
    if os.path.exists(SHARED_DEV):
        with open(SHARED_DEV, encoding="utf-8") as f:
            shared_texts = {json.loads(row)["text"] for row in f if row.strip()}
    all_texts = Counter()
    for split, fn, prefix in FILES:
        if dev_only and split == "heldout":
            continue
        path = os.path.join(HERE, fn)
        rows = []
        with open(path, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                if not line.strip():
                    errors.append(f"{fn}:{ln}: empty line")
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    errors.append(f"{fn}:{ln}: bad JSON: {e}")
                    continue
                if set(r) != {"id", "lang", "text", "labels"}:
                    errors.append(f"{fn}:{ln}: keys {sorted(r)}")
                    continue
                if r["lang"] not in ("zh", "en"):
                    errors.append(f"{fn}:{ln}: lang {r['lang']!r}")
                if not re.fullmatch(rf"{prefix}-{r['lang']}-\d{{4}}", str(r["id"])):
                    errors.append(f"{fn}:{ln}: id {r['id']!r} should look like {prefix}-{r['lang']}-0001")
                if r["id"] in ids:
                    errors.append(f"{fn}:{ln}: duplicate id {r['id']}")
                ids.add(r["id"])
                if not isinstance(r["labels"], list) or len(set(r["labels"])) != len(r["labels"]):
                    errors.append(f"{fn}:{ln}: labels must be a list without repeats")
                for c in r["labels"]:
                    if c not in CATEGORIES:
                        errors.append(f"{fn}:{ln}: unknown category {c}")
                    if c in EN_ONLY and r["lang"] != "en":
                        errors.append(f"{fn}:{ln}: {c} is en only")
                if r["text"] in shared_texts:
                    errors.append(f"{fn}:{ln}: text copied from shared dev.jsonl")
                all_texts[r["text"]] += 1
                nums = valid_numbers(r["text"])
                if "privacy.pii_in_notes" in r["labels"] and not nums:
                    errors.append(f"{fn}:{ln}: pii positive without a checksum-valid number")
                if not r["labels"] and nums:
                    errors.append(f"{fn}:{ln}: compliant note contains a valid full number {nums}")
                rows.append(r)
        data[split] = rows
    for t, c in all_texts.items():
        if c > 1:
            errors.append(f"duplicate text x{c}: {t[:40]}")

    splits = list(data)
    # ---- counts table
    def count(rows, lang, cat):
        return sum(1 for r in rows if r["lang"] == lang and cat in r["labels"])

    cols = [(s, lang) for s in splits for lang in ("zh", "en")] + [("all", "zh"), ("all", "en")]
    rowsets = {s: data[s] for s in splits}
    rowsets["all"] = [r for s in splits for r in data[s]]
    head = f"{'category':34}" + "".join(f"{s[:3]+'-'+lang:>9}" for s, lang in cols)
    print(head)
    print("-" * len(head))
    for cat in CATEGORIES:
        line = f"{cat:34}"
        for s, lang in cols:
            n = count(rowsets[s], lang, cat)
            line += f"{n:>9}"
            if cat in EN_ONLY and lang == "zh":
                continue
            need = MIN_TOTAL if s == "all" else MIN_FILE[s]
            if s == "all" and dev_only:
                continue
            if n < need:
                errors.append(f"{cat} {s}/{lang}: {n} < {need}")
        print(line)
    print("-" * len(head))

    def stats(rows, name):
        n = len(rows)
        zh = [r for r in rows if r["lang"] == "zh"]
        comp = sum(1 for r in rows if not r["labels"])
        pos = [r for r in rows if r["labels"]]
        multi = sum(1 for r in pos if len(r["labels"]) > 1)
        var = Counter()
        anyvar = 0
        for r in zh:
            k = zh_variant(r["text"])
            var.update(k)
            anyvar += bool(k)
        by_lang = Counter(r["lang"] for r in rows)
        comp_lang = Counter(r["lang"] for r in rows if not r["labels"])
        print(f"{name:8} notes {n:4}  zh {by_lang['zh']:4} ({by_lang['zh']/n:.0%})  en {by_lang['en']:4}"
              f"  compliant {comp:4} ({comp/n:.1%}; zh {comp_lang['zh']}, en {comp_lang['en']})"
              f"  multi-label {multi}/{len(pos)} ({multi/max(1,len(pos)):.0%})")
        print(f"{'':8} zh variants: any {anyvar}/{len(zh)} ({anyvar/max(1,len(zh)):.1%})  "
              f"traditional {var['traditional']}  fullwidth {var['fullwidth']}  obfuscated {var['obfuscated']}")
        if comp / n < MIN_COMPLIANT:
            errors.append(f"{name}: compliant share {comp/n:.1%} < {MIN_COMPLIANT:.0%}")
        if zh and anyvar / len(zh) < MIN_ZH_VARIANT:
            errors.append(f"{name}: zh variant share {anyvar/len(zh):.1%} < {MIN_ZH_VARIANT:.0%}")

    for s in splits:
        stats(data[s], s)
    if not dev_only:
        stats(rowsets["all"], "all")
        print(f"heldout share of notes: {len(data['heldout'])/len(rowsets['all']):.1%}")
    if errors:
        print("\nFAILED:")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
