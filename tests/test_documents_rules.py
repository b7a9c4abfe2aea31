"""Rules of the case documents over many inputs (hypothesis): which report is a period's approved
report when periods run side by side and reports are sent back; file names any title gives."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from web.documents.base import Period, filename
from web.documents.sources import Completion, FollowUp, match_reviews

AT = datetime(2027, 10, 1, tzinfo=UTC)

# One history event: (is_review, follow-up number, approved?) in the order the history holds them.
events = st.lists(st.tuples(st.booleans(), st.integers(1, 3), st.booleans()), max_size=25)


def _completion(order: int, number: int, data: dict[str, object]) -> Completion:
    return Completion(order, AT, "Kim", data, {"uppfoljning_nr": number})


@given(events)
def test_a_periods_report_is_the_last_sent_before_the_review_that_approved_it(
    history: list[tuple[bool, int, bool]],
) -> None:
    reports, reviews = [], []
    for order, (is_review, number, approved) in enumerate(history, 1):
        if is_review:
            reviews.append(_completion(order, number, {"godkand": approved}))
        else:
            reports.append(_completion(order, number, {"utfall": f"rapport {order}"}))
    periods = [FollowUp(Period("2027-01-01", "2027-12-31", n)) for n in (1, 2, 3)]
    match_reviews(periods, reports, reviews)
    for period in periods:
        mine = [(o, r, a) for o, (r, n, a) in enumerate(history, 1) if n == period.number]
        approvals = [o for o, is_review, approved in mine if is_review and approved and any(
            not r and p < o for p, r, _ in mine)]  # fmt: skip
        if not approvals:
            assert period.approved is None and period.report is None
            continue
        last = approvals[-1]
        assert period.approved is not None and period.approved.order == last
        sent_before = [o for o, is_review, _ in mine if not is_review and o < last]
        assert period.report is not None and period.report.order == max(sent_before)
        assert all(r.context["uppfoljning_nr"] == period.number for r in period.reports + period.reviews)


@given(st.text(max_size=300), st.sampled_from(["pdf", "docx"]))
def test_any_case_title_gives_a_file_name_that_can_be_saved(title: str, extension: str) -> None:
    name = filename("Uppföljningsrapport 1", title, "TN-2027-0042", extension)
    assert name.startswith("Uppföljningsrapport 1") and name.endswith(f"(TN-2027-0042).{extension}")
    assert not any(c in name for c in '\\/:*?"<>|') and all(ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F for c in name)
    assert len(name) <= 120 and name == name.strip()
