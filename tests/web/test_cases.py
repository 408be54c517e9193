"""Case list and detail pages: search, sorting, flag filters, local time, contact flags."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from assistant import cases
from assistant.models import Case


def _names(html: str) -> list[str]:
    return re.findall(r'class="case-name">([^<]+)<', html)


def test_list_searches_by_name_or_reference(client_as, make_user, make_case):
    me = make_user("collector", locale="en")
    make_case(me, borrower_name="张伟", reference="CN-2026-0001")
    make_case(me, borrower_name="Jordan Miller", reference="US-2026-0001")
    client = client_as(user=me)
    assert _names(client.get("/cases?q=张").text) == ["张伟"]
    assert _names(client.get("/cases?q=us-2026").text) == ["Jordan Miller"]
    assert _names(client.get("/cases?q=%25").text) == []  # a literal %, not a wildcard
    assert "No cases match these filters." in client.get("/cases?q=nobody").text


def test_list_sorts_by_days_past_due_and_filters_by_flag(client_as, make_user, make_case):
    me = make_user("collector")
    make_case(me, borrower_name="甲", days_past_due=10)
    make_case(me, borrower_name="乙", days_past_due=200, has_lawyer=True)
    make_case(me, borrower_name="丙", days_past_due=60, cease_contact=True)
    client = client_as(user=me)
    assert _names(client.get("/cases").text) == ["乙", "丙", "甲"]
    assert _names(client.get("/cases?sort=least_overdue").text) == ["甲", "丙", "乙"]
    assert _names(client.get("/cases?flag=has_lawyer").text) == ["乙"]
    assert _names(client.get("/cases?flag=none").text) == ["甲"]
    assert client.get("/cases?flag=bogus").status_code == 422


def test_htmx_search_returns_only_the_results(client_as, make_user, make_case):
    me = make_user("collector")
    make_case(me, borrower_name="张伟")
    fragment = client_as(user=me).get("/cases?q=张", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="case-results">') and "<html" not in fragment


def test_detail_shows_flags_prominently_and_the_borrowers_local_time(client_as, make_user,
                                                                      make_case):
    me = make_user("collector", locale="en")
    case = make_case(me, borrower_name="Jordan Miller", timezone="America/Los_Angeles",
                     has_lawyer=True, facts={"lawyer": "Reyes & Park LLP"})
    page = client_as(user=me).get(f"/cases/{case.id}").text
    assert 'data-flag="has_lawyer"' in page and "Contact the lawyer" in page
    assert "Reyes &amp; Park LLP" in page
    assert "America/Los_Angeles" in page and 'class="local-time"' in page


def test_unknown_timezone_is_reported_not_hidden(client_as, make_user, make_case):
    me = make_user("collector", locale="en")
    case = make_case(me, timezone="Mars/Olympus")
    page = client_as(user=me).get(f"/cases/{case.id}").text
    assert "Unknown timezone Mars/Olympus" in page


def test_borrower_local_time_uses_the_case_timezone():
    noon_utc = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    shanghai = cases.borrower_local_time(Case(reference="x", borrower_name="x",
                                              timezone="Asia/Shanghai"), noon_utc)
    assert (shanghai.hour, shanghai.utcoffset().total_seconds()) == (20, 8 * 3600)
    assert cases.borrower_local_time(Case(reference="y", borrower_name="y",
                                          timezone="nowhere"), noon_utc) is None


def test_other_roles_see_every_case_with_its_collector(client_as, make_user, make_case):
    collector = make_user("collector", display_name="李明")
    make_case(collector, borrower_name="张伟")
    page = client_as("qa").get("/cases").text
    assert _names(page) == ["张伟"] and "李明" in page
