"""Checker throughput: tokenizer alone vs a plain Aho-Corasick scan vs the full checker.

    python bench/checker.py               # 100,000 notes per language
    python bench/checker.py --notes 20000

Notes are generated (seeded, so every run checks the same notes) to look like real CRM notes:
one line to several sentences (typically 60-250 characters), names, products, places,
reference numbers, amounts and dates in several formats, clock times, CRM shorthand
(PTP, LVM, RPC, B, cust; 客户/本人/电催/外访, `/`-separated items), Traditional and full-width
Chinese, UK and US English, and about one note in eight with a violation. The same notes go
to (a), (b) and (c).

Why the variety matters: spaCy's English tokenizer caches the tokens of every
whitespace-separated chunk it has seen, so a few short templates repeated 100,000 times are
tokenized almost entirely from that cache (an earlier version of this bench measured ~149,000
notes/s, against ~11,000 for realistic English notes). A baseline that is inflated that way
makes the ratio meaningless. The baseline is the stock `spacy.blank(lang)` tokenizer, created
once and used as any caller would.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import ahocorasick
import opencc
import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.compliance.checker import Checker  # noqa: E402
from assistant.compliance.normalise import normalise  # noqa: E402
from assistant.config import get_settings  # noqa: E402

TARGET_RATIO = 0.5
TARGET_P99_MS = 2.0
VIOLATION_SHARE = 0.125

# --- Chinese vocabulary --------------------------------------------------------------------
ZH_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
               "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江")
ZH_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅凤春晓宇浩鹏飞"
ZH_TITLES = ["先生", "女士", "某", "总", "姐", "哥", "老板", "小姐"]
ZH_PRODUCTS = ["信用卡", "消费贷", "车贷", "房抵贷", "现金分期", "装修贷", "白金卡", "经营贷",
               "助学贷款", "小额贷", "账单分期", "备用金"]
ZH_CITIES = ["北京", "上海", "广州", "成都", "南京", "深圳", "杭州", "武汉", "西安", "济南",
             "福州", "长沙", "郑州", "重庆", "天津", "苏州", "昆明", "合肥", "南宁", "太原"]
ZH_DISTRICTS = ["朝阳区", "浦东新区", "天河区", "武侯区", "江宁区", "南山区", "西湖区", "洪山区",
                "雁塔区", "历下区", "鼓楼区", "岳麓区", "金水区", "渝中区", "姑苏区", "五华区"]
ZH_RELATIVES = ["其母", "其父", "配偶", "其妻", "其夫", "其子", "其女", "其兄", "其姐"]
ZH_WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "下周三", "本周五", "月底", "明天",
               "后天", "下个月5号", "发薪日"]
ZH_CN_NUMBERS = ["五百", "八百", "一千", "一千五", "两千", "三千五", "五千", "一万", "两万"]
ZH_OPENINGS = [
    "{t}致电{c}{n}", "{t}电联{c}", "{t}拨打借款人{n}手机{phone}", "外访：{t}到{place}{n}家中",
    "{n}来电咨询{product}", "第{k}次跟进，{t}联系{n}", "电催{n}（{t}）", "{t}微信联系{c}",
    "{date} {t} 电催", "【{product}】{n}，{ref}", "{c}{n}，{ref}，逾期{k}期",
    "外访{place}，{t}到达", "{date}跟进", "RPC {n}", "{t}回拨{c}",
]
ZH_BODIES = [
    "本人接听，称本月工资延迟发放，承诺{date}前还款{amount}",
    "{c}表示近期生意不好，希望分{k}期还款，已告知需提交申请材料",
    "无人接听，已发送还款提醒短信", "未接", "关机", "占线", "空号", "转语音信箱", "已读未回",
    "{c}称已通过APP还款{amount}，请核实到账情况",
    "{rel}接听，称本人外出打工，已留言请其回电，未透露欠款事项",
    "{c}对逾期罚息有异议，已解释计息规则并记录",
    "{c}同意先还最低还款额{amount}，剩余部分{day}结清",
    "{c}情绪激动，已安抚并约定{day}{t}再联系",
    "核实身份后告知当前欠款{amount}，{c}说{day}发工资后处理",
    "{c}说正在{city}住院，暂时无法还款，已转专员跟进",
    "{c}要求提供还款明细，已通过短信发送至尾号{tail}的手机",
    "号码空号，已提交修复申请", "PTP {date} {amount}", "PTP{amount}，{day}",
    "{c}说OK，{day}转账{amount}", "{c}称{product}已结清，要求出具结清证明",
    "{c}咨询提前还款手续费，已告知以合同为准",
    "{c}称收入来源为{city}一家餐馆打工，月收入约{amount}",
    "已核实地址为{place}某小区{k}栋",
    "{c}称对{product}金额{amount}不认可，已申请调取账单",
    "{c}表示{day}{t}方便接听电话",
    "已告知逾期{k}天会上报征信，{c}表示理解",
    "{c}称家中有人生病，申请延期{k}个月，已登记",
    "{c}称手头紧/答应{day}先还{amount}/剩余下月",
    "已发还款链接，{c}称{t}前处理",
    "{c}称{ref}已于{date}还款{amount}，待财务核实",
    "{c}态度配合，约定每月{k}号还款{amount}",
    "{c}在上班，不方便说话，约{t}回电",
    "上门未见本人，留联系卡一张", "与{rel}沟通，请其转告本人回电",
]
ZH_VIOLATIONS = [
    "对{c}说再不还就报警抓你", "告诉他不还钱就让你坐牢", "说要把欠款的事发到他朋友圈",
    "跟他讲我们知道你孩子在哪上学", "骂他老赖不要脸", "让他先转到我个人微信",
    "建议{c}去网贷借点先还上", "另收上门费{amount}", "晚上十一点半再次拨打", "今天打了{big}次",
    "告诉其同事他欠款{amount}", "自称是法院执行局的", "說再不還就報 警抓你", "讓你坐*牢",
    "凌晨两点又打了一次", "威胁要去他单位闹", "说不还就上门把家里东西搬走",
    "告诉他邻居他欠钱不还", "让他找亲戚朋友借钱还上", "说他是骗子，全家都是骗子",
]
ZH_CLOSINGS = ["", "。", "，下次跟进。", "。已录音。", "，约定{date}回访。", "。客户态度良好。",
               "。", "。待跟进", "！", "；继续跟进。"]
ZH_JOINS = ["，", "，", "，", "。", "；", "/", " ", "、"]

# --- English vocabulary --------------------------------------------------------------------
EN_FIRST = ["James", "Mary", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "Oliver",
            "Amelia", "Harry", "Isla", "Jack", "Emily", "George", "Sophie", "Carlos", "Maria",
            "Ahmed", "Priya", "Wei", "Olga", "Kwame", "Siobhan", "Declan", "Aisha"]
EN_LAST = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Taylor",
           "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Lopez", "Evans",
           "Hughes", "Patel", "O'Brien", "McDonald", "Nguyen", "Kowalski", "Okafor", "Murphy"]
EN_TITLES = ["Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Mr", "Mrs", "Ms"]
EN_PRODUCTS = {"us": ["credit card", "personal loan", "auto loan", "store card", "medical bill",
                      "line of credit", "student loan", "installment loan"],
               "uk": ["credit card", "personal loan", "catalogue account", "overdraft",
                      "HP agreement", "store card", "council tax arrears", "mobile contract"]}
EN_PLACES = {"us": ["Houston", "Phoenix", "Columbus, OH", "Tampa", "Denver", "Fresno",
                    "Tulsa", "Raleigh", "Albany, NY", "Boise"],
             "uk": ["Leeds", "Cardiff", "Bristol", "Glasgow", "Leicester", "Norwich", "Hull",
                    "Stoke-on-Trent", "Belfast", "Croydon"]}
EN_OPENINGS = [
    "Called {title} {name} at {t}", "Spoke with {title} {name} at {t}", "Outbound call to {name}",
    "{name} called in at {t}", "LVM for {name} at {t}", "Attempt #{k} to reach {name}",
    "Cust {name} answered", "Texted {name} at {t}", "RPC w/ {name} {t}", "{date} {t} - OB call",
    "TPC: spoke to {rel}", "Inbound from {name} re {product} ({ref})", "{ref}: {name}",
    "Rang {title} {name} on mobile at {t}", "B answered", "No RPC",
]
EN_BODIES = [
    "said she will pay {amount} on {date} after payday",
    "disputes the bal and asked for validation, sent the notice",
    "no answer, left a voicemail asking for a call back", "NA", "VM full", "line busy",
    "set up a payment plan of {amount} a month for {k} months",
    "advised of the balance of {amount} and the options available",
    "cust lost his job last month, referred to hardship team",
    "third party answered, did not discuss the account, asked for a callback number",
    "consumer asked to be contacted by email only, updated preferences",
    "PTP {amount} by {date}, confirmation sent", "PTP {amount} {day}",
    "asked about settlement options, explained we need a written offer",
    "mini-Miranda given, cust acknowledged the debt",
    "B says pmt of {amount} went out {day}, will check and CB",
    "req'd SOA for {product} acct ending {tail}, emailed",
    "moved to {place}, updated address",
    "said {rel} handles the bills, asked for auth form",
    "cust works nights, prefers calls after {t}",
    "bal {amount} incl. fees, cust queried the late fee",
    "cust in hospital till {date}, hold placed for {k} weeks",
    "wants to settle for {amount}, will escalate to supervisor",
    "verified DOB and postcode, discussed arrears of {amount}",
    "completed I&E, surplus approx {amount} pcm, offered DMP referral",
    "cheque for {amount} posted {day}, will chase if not received",
    "asked us to organise a call back on {day} at {t}",
    "said she is with StepChange, noted and put on hold",
    "Said he'd pay tmrw / will call back if not",
]
EN_VIOLATIONS = [
    "told him he will be arrested if he does not pay", "said we'll send the police",
    "told her we will tell everyone in her contacts", "called him a deadbeat",
    "told him to take a payday loan to cover this", "asked her to send it to my Venmo",
    "added a {amount} processing fee", "called again at 6:30am", "made {big} calls this week",
    "said this is the sheriff's office", "told his boss about the overdue loan",
    "told her she'd go to jail", "said we'd take his car tonight",
    "told him to borrow it from his mum", "said we will ruin her credit forever",
    "rang her again at 11 at night",
]
EN_CLOSINGS = ["", ".", ". Will follow up.", ". Recorded.", "; callback set for {date}.",
               ". CB {day}", ". Nothing further.", " -- see prev notes", "."]
EN_JOINS = [", ", ", ", ". ", "; ", " / ", " - ", ". "]
EN_RELATIVES = ["his wife", "her husband", "his mother", "a roommate", "her son", "the landlord",
                "his sister"]
EN_DAYS = ["tomorrow", "Friday", "next Tue", "Mon", "EOM", "next week", "on payday", "tmrw"]


def _zh_amount(rng: random.Random) -> str:
    value = rng.choice([rng.randint(2, 500) * 100, rng.randint(100, 99_999),
                        rng.randint(1, 300) * 1000])
    forms = [f"{value}元", f"{value:,}元", f"￥{value}", f"{value}.00元", f"{value / 10000:.1f}万",
             f"{value}块", rng.choice(ZH_CN_NUMBERS) + "元", f"RMB{value}"]
    return rng.choice(forms)


def _zh_slots(rng: random.Random) -> dict[str, str]:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(9, 18), rng.choice(["00", "10", "15", "20", "30", "45", "50"])
    given = "".join(rng.choice(ZH_GIVEN) for _ in range(rng.randint(1, 2)))
    surname = rng.choice(ZH_SURNAMES)
    return {
        "n": rng.choice([surname + given, surname + rng.choice(ZH_TITLES)]),
        "c": rng.choice(["客户", "本人", "借款人", "客户", "持卡人", "cust"]),
        "t": rng.choice([f"{hour}:{minute}", f"{hour}点{minute}分", f"上午{rng.randint(9, 11)}点",
                         f"下午{rng.randint(2, 5)}点半", f"{hour}点", "中午", "上午"]),
        "date": rng.choice([f"{month}月{day}日", f"{month}.{day}", f"2025-{month:02}-{day:02}",
                            f"{month}/{day}", f"{day}号"]),
        "day": rng.choice(ZH_WEEKDAYS), "amount": _zh_amount(rng),
        "product": rng.choice(ZH_PRODUCTS), "city": rng.choice(ZH_CITIES),
        "place": rng.choice(ZH_CITIES) + rng.choice(ZH_DISTRICTS), "rel": rng.choice(ZH_RELATIVES),
        "ref": rng.choice([f"合同号HT2025{rng.randint(10000, 99999)}",
                           f"案件编号CS-{rng.randint(100000, 999999)}",
                           f"卡尾号{rng.randint(1000, 9999)}", f"工单{rng.randint(10**7, 10**8 - 1)}"]),
        "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}****{rng.randint(1000, 9999)}",
        "tail": str(rng.randint(1000, 9999)), "k": str(rng.randint(2, 12)),
        "big": str(rng.randint(9, 20)),
    }


def _en_amount(rng: random.Random, jurisdiction: str) -> str:
    value = rng.choice([rng.randint(2, 300) * 10, rng.randint(25, 9_999)])
    cents = f".{rng.randint(0, 99):02}"
    sign = "$" if jurisdiction == "us" else "£"
    forms = [f"{sign}{value}", f"{sign}{value:,}{cents}", f"{sign}{value / 1000:.1f}k",
             f"{value} {'dollars' if sign == '$' else 'pounds'}",
             f"{'USD' if sign == '$' else 'GBP'} {value}"]
    return rng.choice(forms)


def _en_slots(rng: random.Random, jurisdiction: str) -> dict[str, str]:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour = rng.randint(9, 17)
    minute = rng.choice(["00", "05", "15", "20", "30", "40", "45"])
    month_name = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct",
                  "Nov", "Dec"][month - 1]
    dates = ([f"{month}/{day}", f"{month:02}/{day:02}/2025", f"{month_name} {day}",
              f"{month_name} {day}th"] if jurisdiction == "us" else
             [f"{day}/{month}", f"{day:02}/{month:02}/2025", f"{day} {month_name}",
              f"{day}th {month_name}"])
    twelve = hour if hour <= 12 else hour - 12
    return {
        "name": rng.choice([rng.choice(EN_LAST), f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"]),
        "title": rng.choice(EN_TITLES),
        "t": rng.choice([f"{twelve}:{minute}{'am' if hour < 12 else 'pm'}",
                         f"{twelve}:{minute} {'AM' if hour < 12 else 'PM'}", f"{hour}:{minute}",
                         f"{twelve}{'am' if hour < 12 else 'pm'}", "noon"]),
        "date": rng.choice(dates), "day": rng.choice(EN_DAYS),
        "amount": _en_amount(rng, jurisdiction),
        "product": rng.choice(EN_PRODUCTS[jurisdiction]),
        "place": rng.choice(EN_PLACES[jurisdiction]), "rel": rng.choice(EN_RELATIVES),
        "ref": rng.choice([f"acct ending {rng.randint(1000, 9999)}", f"ref {rng.randint(10**7, 10**8 - 1)}",
                           f"case #A-{rng.randint(10000, 99999)}",
                           f"file no. {rng.randint(1000, 9999)}-{rng.randint(10, 99)}"]),
        "tail": str(rng.randint(1000, 9999)), "k": str(rng.randint(2, 12)),
        "big": str(rng.randint(9, 20)),
    }


_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def _compose(rng: random.Random, openings: list[str], bodies: list[str],
             violations: list[str], closings: list[str], joins: list[str]) -> str:
    """An opening, one to five body clauses, maybe a violation, a closing."""
    parts = [rng.choice(openings)] if rng.random() < 0.85 else []
    parts += [rng.choice(bodies) for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]))]
    if rng.random() < VIOLATION_SHARE:
        parts.insert(rng.randint(min(1, len(parts)), len(parts)), rng.choice(violations))
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice(joins) + part
    return text + rng.choice(closings)


def generate_notes(lang: str, count: int, seed: int = 4) -> list[tuple[str, str]]:
    """`count` (note, jurisdiction) pairs in `lang`, about one in eight with a violation."""
    rng = random.Random(seed)
    to_traditional = opencc.OpenCC("s2t")
    notes = []
    for _ in range(count):
        if lang == "zh":
            jurisdiction = "cn"
            template = _compose(rng, ZH_OPENINGS, ZH_BODIES, ZH_VIOLATIONS, ZH_CLOSINGS, ZH_JOINS)
            note = template.format(**_zh_slots(rng))
            roll = rng.random()
            if roll < 0.08:  # Hong Kong / Taiwan collectors
                note = to_traditional.convert(note)
            elif roll < 0.13:  # full-width Latin letters, digits and marks
                note = note.translate(_FULL_WIDTH)
        else:
            jurisdiction = "uk" if rng.random() < 0.4 else "us"
            template = _compose(rng, EN_OPENINGS, EN_BODIES, EN_VIOLATIONS, EN_CLOSINGS, EN_JOINS)
            note = template.format(**_en_slots(rng, jurisdiction))
        notes.append((note, jurisdiction))
    return notes


def measure(label: str, notes: Sequence[tuple[str, str]],
            run: Callable[[str, str], object]) -> dict[str, float]:
    """Notes/s over the whole list and per-note latency percentiles."""
    for text, jurisdiction in notes[:200]:  # warm caches
        run(text, jurisdiction)
    latencies = []
    clock = time.perf_counter
    started = clock()
    for text, jurisdiction in notes:
        t0 = clock()
        run(text, jurisdiction)
        latencies.append(clock() - t0)
    elapsed = clock() - started
    latencies.sort()
    return {"label": label, "rate": len(notes) / elapsed,
            "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def phrase_automaton(checker: Checker, lang: str) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    component = checker.pipelines[lang].get_pipe("compliance_rules")
    for phrase, term_id in component.term_ids.items():
        automaton.add_word(phrase, term_id)
    if not component.term_ids:  # no rules for this language yet: scan for nothing
        automaton.add_word("\0", -1)
    automaton.make_automaton()
    return automaton


def describe(notes: Sequence[tuple[str, str]], checker: Checker, lang: str) -> str:
    """Lengths of the notes and the share the checker flags (a sanity check of realism)."""
    lengths = sorted(len(text) for text, _ in notes)
    sample = notes[:: max(1, len(notes) // 5000)]
    flagged = sum(bool(checker.check(text, lang=lang, jurisdiction=j)) for text, j in sample)
    distinct = len({word for text, _ in notes for word in text.split()})
    return (f"length p10/p50/p90 {lengths[len(lengths) // 10]}/{lengths[len(lengths) // 2]}/"
            f"{lengths[len(lengths) * 9 // 10]} chars, {distinct:,} distinct whitespace chunks, "
            f"{flagged / len(sample):.1%} flagged (sample of {len(sample):,})")


def bench_language(checker: Checker, lang: str, count: int
                   ) -> tuple[str, list[dict[str, float]]]:
    notes = generate_notes(lang, count)
    stock = spacy.blank(lang)  # the bare spaCy tokenizer is the baseline of the targets
    automaton = phrase_automaton(checker, lang)
    rows = [
        measure("(a) spaCy tokenizer alone", notes, lambda text, _: stock.make_doc(text)),
        measure("(b) Aho-Corasick scan of all phrases", notes,
                lambda text, _: list(automaton.iter(normalise(text, lang).text))),
        measure("(c) full checker, one process", notes,
                lambda text, jurisdiction: checker.check(text, lang=lang,
                                                         jurisdiction=jurisdiction)),
    ]
    return describe(notes, checker, lang), rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000, help="notes per language")
    parser.add_argument("--rules-dir", type=Path, default=None)
    parser.add_argument("--lang", choices=["zh", "en"], action="append")
    args = parser.parse_args(argv)
    checker = Checker.from_dir(args.rules_dir or get_settings().rules_dir)
    phrases = {lang: len(checker.pipelines[lang].get_pipe("compliance_rules").term_ids)
               for lang in ("zh", "en")}
    print(f"rules {checker.version}: {len(checker.rule_set.rules)} rules; "
          f"terms zh {phrases['zh']}, en {phrases['en']}; {args.notes:,} notes per language")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    verdicts = []
    for lang in args.lang or ["zh", "en"]:
        description, rows = bench_language(checker, lang, args.notes)
        print(f"\n[{lang}] {description}")
        for row in rows:
            print(f"  {row['label']:<40} {row['rate']:>9,.0f} notes/s   "
                  f"p50 {row['p50']:.3f} ms   p99 {row['p99']:.3f} ms")
        ratio = rows[2]["rate"] / rows[0]["rate"]
        p99 = rows[2]["p99"]
        ok = ratio >= TARGET_RATIO and p99 <= TARGET_P99_MS
        verdicts.append(ok)
        print(f"  ratio (c)/(a) = {ratio:.2f}  (target >= {TARGET_RATIO});  "
              f"checker p99 = {p99:.3f} ms  (target <= {TARGET_P99_MS} ms)  "
              f"{'OK' if ok else 'BELOW TARGET'}")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    # A measurement, not a test: below-target figures are printed, and `make bench` goes on
    # to the other benchmarks.
    print(f"\noverall: {'all targets met' if all(verdicts) else 'some targets not met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
