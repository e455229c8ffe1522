"""After voting: the tally, each member's conclusion, the notice, the published list."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.appraisal.conftest import ballot_for, close_now, count_now
from vanguard.appraisal import codes, services
from vanguard.appraisal.models import AppraisalConclusion


@pytest.fixture
def voted(open_round, members):
    """bob and eve voted; dora did not. Everyone gave dora 优秀."""
    dora = members["dora"].pk
    receipts = {}
    for name in ("bob", "eve"):
        ballot = services.cast_ballot(
            open_round,
            ballot_for(open_round, "qualified", {dora: "excellent"}),
            member=members[name],
            acting=None,
        )
        receipts[name] = ballot.receipt
    return receipts


def everyone(appraisal_round, grade="qualified", problems=""):
    return {pk: (grade, problems) for pk, _name in services.candidates_of(appraisal_round)}


def test_conclusions_wait_for_the_end_of_voting(open_round, personas):
    with pytest.raises(ValidationError):
        services.save_conclusions(
            open_round, everyone(open_round), user=personas["alice"], acting=None
        )
    assert not AppraisalConclusion.objects.exists()


def test_the_tally_counts_each_member(open_round, voted, members):
    close_now(open_round)
    result = services.tally(open_round)
    by_name = {t.name: t for t in result.members}
    assert by_name["朵拉"].counts["excellent"] == 2 and by_name["朵拉"].leading == "excellent"
    assert by_name["鲍勃"].counts["qualified"] == 2
    assert (result.ballots, result.eligible) == (2, 3)


def test_the_notice_needs_every_conclusion_then_freezes_them(open_round, voted, members, personas):
    close_now(open_round)
    partial = {members["bob"].pk: ("qualified", "学习不够系统")}
    services.save_conclusions(open_round, partial, user=personas["alice"], acting=None)
    with pytest.raises(ValidationError) as error:
        services.publish_notice(open_round, text="通报", user=personas["alice"], acting=None)
    assert "朵拉" in error.value.messages[0] and "伊芙" in error.value.messages[0]

    services.save_conclusions(open_round, everyone(open_round), user=personas["alice"], acting=None)
    services.publish_notice(open_round, text="通报", user=personas["alice"], acting=None)
    with pytest.raises(ValidationError):
        services.save_conclusions(
            open_round, everyone(open_round, "excellent"), user=None, acting=None
        )
    assert set(AppraisalConclusion.objects.values_list("grade", flat=True)) == {"qualified"}


def test_a_conclusion_with_an_unknown_grade_is_refused(open_round, voted, members):
    close_now(open_round)
    with pytest.raises(ValidationError):
        services.save_conclusions(
            open_round, {members["bob"].pk: ("splendid", "")}, user=None, acting=None
        )
    assert not AppraisalConclusion.objects.exists()


def test_a_conclusion_names_the_member_for_the_rectification_module(open_round, voted, members):
    close_now(open_round)
    [conclusion] = services.save_conclusions(
        open_round, {members["bob"].pk: ("qualified", "")}, user=None, acting=None
    )
    assert str(conclusion) == "鲍勃: 合格 (甲中学民主评议)"
    assert conclusion.get_absolute_url().endswith(f"#member-{members['bob'].pk}")


def test_the_conclusions_page_saves_and_keeps_bad_input(
    login, personas, open_round, voted, members
):
    close_now(open_round)
    client = login(personas["alice"])
    url = reverse("appraisal:conclusions", args=[open_round.pk])
    bob = members["bob"].pk
    bad = client.post(url, {f"grade_{bob}": "splendid", f"problems_{bob}": "问题写在这里"})
    assert bad.status_code == 400 and "问题写在这里" in bad.content.decode()
    assert not AppraisalConclusion.objects.exists()

    good = client.post(url, {f"grade_{bob}": "qualified", f"problems_{bob}": "问题"})
    assert good.status_code == 302
    assert AppraisalConclusion.objects.get().problems == "问题"


def test_a_member_finds_the_receipt_in_the_published_list(login, personas, open_round, voted):
    client = login(personas["bob"])
    url = reverse("appraisal:ballots", args=[open_round.pk])
    assert client.get(url).context["rows"] == []  # nothing published while voting is open

    close_now(open_round, count=False)
    assert client.get(url).context["rows"] == []  # nothing published before the count

    count_now(open_round)
    listing = client.get(url)
    receipts = [codes.grouped(r) for r in sorted(voted.values())]
    assert listing.context["receipts"] == receipts
    assert len(listing.context["rows"]) == len(receipts) == 2  # the lists are as long
    found = client.post(url, {"code": codes.grouped(voted["bob"]).lower()})
    assert found.context["found"] == codes.grouped(voted["bob"])
    missing = client.post(url, {"code": "0000-0000-0000-0000"})
    assert missing.context["searched"] and missing.context["found"] is None


def test_the_tally_and_conclusions_wait_for_the_count(open_round, voted, personas):
    close_now(open_round, count=False)
    assert services.tally(open_round).ballots == 0
    with pytest.raises(ValidationError) as error:
        services.save_conclusions(
            open_round, everyone(open_round), user=personas["alice"], acting=None
        )
    assert error.value.messages == ["The tellers count the ballots first."]


def test_a_round_past_its_closing_time_is_closed_when_read(login, personas, open_round, voted):
    from datetime import timedelta

    from vanguard.appraisal.models import AppraisalRound

    AppraisalRound.objects.filter(pk=open_round.pk).update(
        opens_at=open_round.opens_at - timedelta(days=2),
        closes_at=open_round.opens_at - timedelta(days=1),
    )
    response = login(personas["bob"]).get(reverse("appraisal:ballots", args=[open_round.pk]))
    assert response.context["rows"] == []  # closed, not yet counted
    assert AppraisalRound.objects.get(pk=open_round.pk).sealed


def test_the_round_page_guides_a_member(login, personas, open_round, members):
    client = login(personas["bob"])
    url = reverse("appraisal:round", args=[open_round.pk])
    assert reverse("appraisal:vote", args=[open_round.pk]) in client.get(url).content.decode()
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    page = client.get(url)
    assert page.context["has_voted"] and page.context["voting_problem"]
    assert "tally" not in page.context  # members see no tally


def test_voting_twice_through_the_page_shows_the_reason(login, personas, open_round, members):
    client = login(personas["bob"])
    url = reverse("appraisal:vote", args=[open_round.pk])
    data = {f"m{pk}": "qualified" for pk, _n in services.candidates_of(open_round)}
    assert client.post(url, data).status_code == 200
    again = client.post(url, data)
    assert again.status_code == 400
    assert again.context["problem"] == "You have already voted in this round."


def test_an_incomplete_ballot_keeps_the_grades_given(login, personas, open_round, members):
    client = login(personas["bob"])
    url = reverse("appraisal:vote", args=[open_round.pk])
    response = client.post(url, {f"m{members['bob'].pk}": "excellent"})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert 'value="excellent" autocomplete="off" checked' in response.content.decode()
