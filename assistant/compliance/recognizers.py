"""Validated recognisers: rules reference them by name in `patterns.recognizers`.

A recogniser finds candidates with a loose pattern, then keeps only those that named
validation code accepts (a checksum, a date of birth, a policy limit). Every recogniser works
on the normalised text and returns half-open character spans of it. Masked numbers
(`6222********1234`, `***-**-6789`) are never candidates: a mask character next to a digit
ends the candidate, and what remains is too short to validate.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError
from stdnum.us import ssn

from assistant.compliance.contact_recognizers import find_contact_counts, find_contact_times
from assistant.compliance.recognizer_types import Recognizer, RecognizerContext, Span

# A candidate must not touch another digit, a Latin letter or a mask character, so part of a
# longer or masked number is never taken for a whole one.
_EDGE_BEFORE = r"(?<![0-9A-Za-z*＊xX•])"
_EDGE_AFTER = r"(?![0-9A-Za-z*＊•])"
# The same test written after the first digit, so that the regex starts with a digit and the
# engine skips ahead to digits instead of trying the look-behind at every character.
_FIRST_DIGIT = r"\d(?<![0-9A-Za-z*＊xX•]\d)"
_SEPARATORS = re.compile(r"[ \-]")

_RESIDENT_ID = re.compile(rf"{_FIRST_DIGIT}\d{{5}}[ \-]?\d{{8}}[ \-]?\d{{3}}[\dXx](?![0-9A-Za-z*•])")
_CARD = re.compile(rf"{_FIRST_DIGIT}\d{{2,}}(?:[ \-]\d{{3,}})*{_EDGE_AFTER}")
_SSN = re.compile(rf"{_FIRST_DIGIT}\d{{2}}([ \-]?)\d{{2}}\1\d{{4}}{_EDGE_AFTER}")
# A NINO is written in pairs as often as not: `ZH 84 41 20 A`, `zh-84-41-20-a`, `ZH844120A`.
_NINO = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[ \-]{0,2}\d{2}[ \-]{0,2}\d{2}[ \-]{0,2}\d{2}"
                   r"[ \-]{0,2}[A-Da-d](?![0-9A-Za-z])")

# Issuer identification: the first digits of the card networks seen in our markets
# (Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, UnionPay 62/81, Discover 6011/64/65,
# JCB 35, Diners 30/36/38; 60 for Discover 6011 and Chinese bank debit cards such as 601382).
_CARD_PREFIXES = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[0478]|35|60|62|81|64|65)")
# Province-level codes of GB/T 2260 (the first two digits of an ID).
_PROVINCES = frozenset([
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83"])
_OLDEST_BIRTH_YEAR = 1900
_NINO_BAD_FIRST = set("DFIQUV")
_NINO_BAD_SECOND = set("DFIOQUV")
_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_PHONE_REGIONS = {"cn": "CN", "us": "US", "uk": "GB"}


def _digits(candidate: str) -> str:
    return _SEPARATORS.sub("", candidate)


def resident_id_ok(number: str) -> bool:
    """A PRC resident ID: 18 characters, a province code, a real date of birth and the
    ISO 7064 check digit.

    python-stdnum's `ric.is_valid` also requires the county code to be in its table of
    historical codes, which rejects real IDs from districts created or renamed later (six
    of the seven full IDs in our development notes); a checksum and a date of birth are
    already far beyond what a random digit string passes.
    """
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in _PROVINCES:
        return False
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        return False
    return (_OLDEST_BIRTH_YEAR <= birth.year <= date.today().year
            and ric.calc_check_digit(number) == number[17])


def card_number_ok(number: str) -> bool:
    """A payment card: 13-19 digits, a known network prefix and a valid Luhn check digit."""
    return (13 <= len(number) <= 19 and _CARD_PREFIXES.match(number) is not None
            and luhn.is_valid(number))


def ssn_ok(number: str) -> bool:
    """A US SSN that the SSA could have issued (area, group and serial rules)."""
    return ssn.is_valid(number)


def nino_ok(number: str) -> bool:
    """A UK National Insurance number by HMRC's published format rules."""
    number = number.upper()
    return (len(number) == 9 and number[0] not in _NINO_BAD_FIRST
            and number[1] not in _NINO_BAD_SECOND and number[:2] not in _NINO_BAD_PREFIXES
            and number[2:8].isdigit() and number[8] in "ABCD")


def find_resident_ids(text: str, _context: RecognizerContext) -> list[Span]:
    return [m.span() for m in _RESIDENT_ID.finditer(text) if resident_id_ok(_digits(m.group()))]


def find_bank_cards(text: str, _context: RecognizerContext) -> list[Span]:
    spans = []
    for match in _CARD.finditer(text):
        number = _digits(match.group())
        # An 18-digit valid resident ID is reported as an ID, not also as a card.
        if card_number_ok(number) and not (len(number) == 18 and resident_id_ok(number)):
            spans.append(match.span())
    return spans


def find_ssns(text: str, _context: RecognizerContext) -> list[Span]:
    return [m.span() for m in _SSN.finditer(text) if ssn_ok(_digits(m.group()))]


def find_ninos(text: str, _context: RecognizerContext) -> list[Span]:
    return [m.span() for m in _NINO.finditer(text) if nino_ok(_digits(m.group()))]


def find_phone_numbers(text: str, context: RecognizerContext) -> list[Span]:
    region = _PHONE_REGIONS.get(context.jurisdiction, "CN")
    return [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.VALID)]


def _registry() -> dict[str, Recognizer]:
    entries = [
        Recognizer("cn_resident_id", "PRC resident ID numbers with a valid check digit and date "
                   "of birth (python-stdnum cn.ric); spaces or dashes between the groups allowed",
                   find_resident_ids, screen=re.compile(r"\d{6}")),
        Recognizer("bank_card", "payment card numbers: 13-19 digits, known network prefix, "
                   "valid Luhn check digit; grouped by spaces or dashes allowed", find_bank_cards,
                   screen=re.compile(r"\d{3}[ \-]?\d{3}")),
        Recognizer("us_ssn", "US Social Security numbers the SSA could issue (python-stdnum "
                   "us.ssn), with or without dashes", find_ssns,
                   screen=re.compile(r"\d{3}[ \-]?\d{2}[ \-]?\d{4}")),
        Recognizer("uk_nino", "UK National Insurance numbers by HMRC format rules "
                   "(prefix letters, six digits, suffix A-D)", find_ninos,
                   screen=re.compile(r"\d{2}[ \-]{0,2}\d{2}[ \-]{0,2}\d{2}")),
        Recognizer("phone_number", "telephone numbers valid for the jurisdiction's region "
                   "(phonenumbers library)", find_phone_numbers,
                   screen=re.compile(r"\d(?:[^\d\n]{0,3}\d){5}")),
        Recognizer("contact_time", "a time of contact outside the jurisdiction's allowed_hours",
                   find_contact_times, needs_digits=False),
        Recognizer("contact_count", "a count of contacts in a day or a week above the "
                   "jurisdiction's cap", find_contact_counts, needs_digits=False),
    ]
    return {entry.name: entry for entry in entries}


RECOGNIZERS: dict[str, Recognizer] = _registry()
