"""The generator's 分析评议 data at the `tiny` scale: opinions where they belong, dated in
the unit's analysis window, due when the rules say, anonymous ones without identity;
talks, self-analyses and meetings inside their unit; one sealed round per unit whose
ballots match its roll and tally; determinism. And the benchmark's part: the public
submission bodies are accepted, with the rate limit switched off by the setting."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.modules import appraisal as bench_appraisal
from vanguard.appraisal import rules, services
from vanguard.appraisal.models import (
    AnalysisStatus,
    AppraisalConclusion,
    AppraisalRound,
    Ballot,
    BallotReceipt,
    Candidate,
    CriticismItem,
    Opinion,
    OpinionStatus,
    OpinionTransfer,
    OrgLifeMeeting,
    SealedBallot,
    SelfAnalysis,
    Subject,
    Talk,
    VoterRoll,
)
from vanguard.datagen.generate import generate_campaign
from vanguard.datagen.scales import SCALES
from vanguard.orgs.models import Member

pytestmark = pytest.mark.django_db


def quiet(*_args):
    pass


@pytest.fixture
def generated():
    return generate_campaign("tiny", seed=1, code="gen-a", log=quiet)


def opinions_of(generated):
    return Opinion.objects.filter(campaign=generated.campaign).select_related(
        "member", "responsible_unit"
    )


def unit_of_enrollment(generated):
    return {e.organization_id: e for e in generated.enrollments}


def member_units(generated):
    return {m: org for org, members in generated.members_by_unit.items() for m in members}


# -- opinions ------------------------------------------------------------------------------


def test_the_scale_s_number_of_opinions_over_every_unit(generated):
    opinions = list(opinions_of(generated))
    assert len(opinions) == SCALES["tiny"].opinions
    concerned = Counter(
        o.unit_id or (o.member.organization_id if o.member else None) for o in opinions
    )
    assert set(generated.members_by_unit) <= set(concerned)


def test_every_opinion_concerns_and_goes_to_an_enrolled_unit_or_the_bureau(generated):
    enrolled = unit_of_enrollment(generated)
    units = member_units(generated)
    transfers = {t.opinion_id: t for t in OpinionTransfer.objects.all()}
    for opinion in opinions_of(generated):
        if opinion.subject == Subject.BUREAU:
            assert opinion.responsible_unit_id == generated.root.pk
            assert opinion.unit_id is None and opinion.member_id is None
            continue
        concerned = opinion.unit_id or units[opinion.member_id]
        assert concerned in enrolled and opinion.responsible_unit_id in enrolled
        if opinion.member_id and opinion.unit_id:
            assert units[opinion.member_id] == opinion.unit_id
        if opinion.subject == Subject.MEMBER:
            assert opinion.member_id or opinion.person_named
        transfer = transfers.get(opinion.pk)
        if transfer is None:
            assert opinion.responsible_unit_id == concerned
        else:  # passed across: from the unit concerned to the one answering now
            assert transfer.from_unit_id == concerned != transfer.to_unit_id
            assert opinion.responsible_unit_id == transfer.to_unit_id
            assert transfer.transferred_on >= opinion.received_on


def test_opinions_are_dated_in_the_unit_s_window_and_due_as_the_rules_say(generated):
    enrolled = unit_of_enrollment(generated)
    units = member_units(generated)
    windows = [rules.analysis_window(e) for e in generated.enrollments]
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    template = generated.campaign.rules
    transfers = {t.opinion_id: t for t in OpinionTransfer.objects.select_related("from_unit")}
    for opinion in opinions_of(generated):
        concerned = opinion.unit_id or units.get(opinion.member_id)
        if concerned:
            start, end = rules.analysis_window(enrolled[concerned])
        else:
            start, end = first, last
        assert start <= opinion.received_on <= end
        received_by = (
            transfers[opinion.pk].from_unit if opinion.pk in transfers else opinion.responsible_unit
        )
        assert opinion.due_on == rules.due_date(
            opinion.received_on, template, received_by.category or None
        )


def test_anonymous_opinions_keep_no_identity_and_named_ones_do(generated):
    opinions = list(opinions_of(generated))
    anonymous = [o for o in opinions if o.anonymous]
    named = [o for o in opinions if not o.anonymous]
    assert anonymous and named
    assert all(o.author_name == "" and o.author_contact == "" for o in anonymous)
    assert all(o.author_name for o in named)
    assert not Opinion.history.filter(campaign_id=generated.campaign.pk).exists()


def test_opinions_come_through_the_template_s_channels_with_receipt_digests(generated):
    channels = {c.code: c.public for c in generated.campaign.rules.opinion_channels}
    opinions = list(opinions_of(generated))
    assert {channels[o.channel] for o in opinions} == {True, False}
    for opinion in opinions:
        assert opinion.entered_by_id is None
        assert len(opinion.receipt_digest) == 64
        int(opinion.receipt_digest, 16)
        if channels[opinion.channel]:  # the public names a person, it picks no member
            assert opinion.member_id is None
    assert len({o.receipt_digest for o in opinions}) == len(opinions)


def test_statuses_carry_the_fields_their_changes_set(generated):
    statuses = Counter()
    for opinion in opinions_of(generated):
        statuses[opinion.status] += 1
        if opinion.status == OpinionStatus.OPEN:
            assert not opinion.answer and opinion.answered_on is None
            assert opinion.closed_on is None and opinion.fed_back_on is None
            continue
        assert opinion.answer and opinion.answered_on >= opinion.received_on
        if opinion.status == OpinionStatus.CLOSED:
            assert opinion.closed_on >= opinion.answered_on
        else:
            assert opinion.closed_on is None
        if opinion.fed_back_on:
            assert opinion.member_id and opinion.fed_back_on >= opinion.received_on
    assert statuses[OpinionStatus.CLOSED] and statuses[OpinionStatus.ANSWERED]


# -- talks, self-analyses, meetings --------------------------------------------------------


def test_talks_are_between_two_members_of_the_unit_in_its_window(generated):
    talks = list(Talk.objects.filter(campaign=generated.campaign).select_related("enrollment"))
    assert talks
    units = member_units(generated)
    talked = set()
    for talk in talks:
        org = talk.enrollment.organization_id
        assert talk.initiator_id != talk.partner_id
        assert units[talk.initiator_id] == org and units[talk.partner_id] == org
        start, end = rules.analysis_window(talk.enrollment)
        assert start <= talk.talked_on <= end
        talked.update((talk.initiator_id, talk.partner_id))
    assert len(talked) > 0.8 * len(units)


def test_self_analyses_have_the_dates_of_their_status(generated):
    analyses = list(SelfAnalysis.objects.filter(campaign=generated.campaign))
    members = member_units(generated)
    assert 0.8 * len(members) < len(analyses) <= len(members)
    assert {a.member_id for a in analyses} <= set(members)
    for analysis in analyses:
        if analysis.status == AnalysisStatus.DRAFT:
            assert analysis.submitted_on is None and analysis.reviewed_on is None
        else:
            assert analysis.submitted_on is not None
        if analysis.status in (AnalysisStatus.ACCEPTED, AnalysisStatus.RETURNED):
            assert analysis.reviewed_on >= analysis.submitted_on
        assert bool(analysis.comments) == (analysis.status == AnalysisStatus.RETURNED)


def test_one_meeting_per_unit_attended_by_its_members(generated):
    units = member_units(generated)
    meetings = OrgLifeMeeting.objects.filter(campaign=generated.campaign)
    assert meetings.count() == len(generated.enrollments)
    for meeting in meetings.select_related("enrollment"):
        attendees = set(meeting.attendees.values_list("pk", flat=True))
        assert attendees and all(units[m] == meeting.organization_id for m in attendees)
        items = CriticismItem.objects.filter(meeting=meeting)
        assert set(items.values_list("member_id", flat=True)) == attendees
        start, end = rules.analysis_window(meeting.enrollment)
        assert start <= meeting.held_on <= end


# -- the democratic appraisal --------------------------------------------------------------


def rounds_of(generated):
    return AppraisalRound.objects.filter(campaign=generated.campaign).select_related(
        "enrollment__batch", "campaign"
    )


def test_one_sealed_round_per_unit_inside_its_window(generated):
    rounds = list(rounds_of(generated))
    assert sorted(r.enrollment_id for r in rounds) == sorted(e.pk for e in generated.enrollments)
    windows = {e.pk: rules.analysis_window(e) for e in generated.enrollments}
    for appraisal_round in rounds:
        assert appraisal_round.sealed and appraisal_round.state() in ("closed", "published")
        assert appraisal_round.organization_id == appraisal_round.enrollment.organization_id
        start, end = windows[appraisal_round.enrollment_id]
        opens = timezone.localtime(appraisal_round.opens_at).date()
        closes = timezone.localtime(appraisal_round.closes_at).date()
        assert start <= opens < closes <= end


def test_the_roll_and_the_ballots_agree_round_by_round(generated):
    grade_codes = {g.code for g in generated.campaign.rules.appraisal_grades}
    for appraisal_round in rounds_of(generated):
        members = set(generated.members_by_unit[appraisal_round.organization_id])
        candidates = set(
            Candidate.objects.filter(round=appraisal_round).values_list("member_id", flat=True)
        )
        assert candidates == members
        roll = list(VoterRoll.objects.filter(round=appraisal_round))
        ballots = list(Ballot.objects.filter(round=appraisal_round))
        assert len(ballots) == len(roll) > 0
        assert all(entry.guest_code_id is None and entry.member_id in members for entry in roll)
        assert len({entry.member_id for entry in roll}) == len(roll)
        for ballot in ballots:
            assert set(ballot.grades) == {str(m) for m in members}
            assert set(ballot.grades.values()) <= grade_codes
        # counted: the receipts are listed apart, as many as the ballots, the pool is empty
        assert appraisal_round.is_counted
        assert BallotReceipt.objects.filter(round=appraisal_round).count() == len(ballots)
        assert not SealedBallot.objects.filter(round=appraisal_round).exists()


def test_the_tally_of_each_round_gives_its_conclusions(generated):
    published = 0
    for appraisal_round in rounds_of(generated):
        tally = services.tally(appraisal_round)
        roll = VoterRoll.objects.filter(round=appraisal_round).count()
        assert tally.ballots == roll
        assert tally.eligible == len(generated.members_by_unit[appraisal_round.organization_id])
        assert all(member.total == roll for member in tally.members)
        concluded = dict(
            AppraisalConclusion.objects.filter(round=appraisal_round).values_list(
                "member_id", "grade"
            )
        )
        assert concluded == {member.member_id: member.leading for member in tally.members}
        if appraisal_round.published_on:
            published += 1
            assert appraisal_round.notice
            assert f"{tally.ballots}张" in appraisal_round.notice
    assert published


def test_the_same_seed_gives_the_same_data(generated):
    again = generate_campaign("tiny", seed=1, code="gen-b", log=quiet)

    def snapshot(campaign, code):
        def local(value):
            return value.removeprefix(code) if value else value

        opinions = sorted(
            (
                local(o.unit.code if o.unit else ""),
                local(o.member.code if o.member else ""),
                local(o.responsible_unit.code),
                o.channel,
                o.subject,
                o.content,
                o.received_on,
                o.anonymous,
                o.author_name,
                o.status,
                o.due_on,
                o.answered_on,
            )
            for o in Opinion.objects.filter(campaign=campaign).select_related(
                "unit", "member", "responsible_unit"
            )
        )
        ballots = sorted(
            (local(b.round.organization.code), sorted(b.grades.values()))
            for b in Ballot.objects.filter(round__campaign=campaign).select_related(
                "round__organization"
            )
        )
        talks = sorted(
            (local(t.initiator.code), local(t.partner.code), t.talked_on)
            for t in Talk.objects.filter(campaign=campaign).select_related("initiator", "partner")
        )
        return opinions, ballots, talks

    first = snapshot(generated.campaign, "gen-a")
    assert first == snapshot(again.campaign, "gen-b")
    assert first[0] and first[1] and first[2]
    # keys drawn for the app's random ids differ between the two campaigns
    ids = set(Opinion.objects.filter(campaign=generated.campaign).values_list("pk", flat=True))
    assert not ids & set(
        Opinion.objects.filter(campaign=again.campaign).values_list("pk", flat=True)
    )


def test_members_of_the_generated_units_exist(generated):
    units = member_units(generated)
    assert Member.objects.filter(pk__in=list(units)).count() == len(units)


# -- the benchmark's part ------------------------------------------------------------------


def post_bodies(bodies):
    client = Client()
    return [
        client.post(
            reverse("appraisal:public-opinion"),
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
        for body in bodies
    ]


def test_the_submission_bodies_are_accepted_as_anonymous_opinions(generated, settings):
    cache.clear()
    settings.RATELIMIT_ENABLE = False
    bodies = bench_appraisal.opinion_bodies(12)
    assert len(set(bodies)) == 12

    responses = post_bodies(bodies)

    assert [r.status_code for r in responses] == [200] * 12
    sent = Opinion.objects.filter(received_on=timezone.localdate())
    assert sent.count() == 12
    assert set(sent.values_list("campaign_id", flat=True)) == {generated.campaign.pk}
    assert not sent.filter(anonymous=False).exists()
    assert sent.filter(subject=Subject.BUREAU).exists()
    assert sent.filter(subject=Subject.MEMBER).exclude(person_named="").exists()


@pytest.mark.parametrize("enabled, statuses", [(True, [200] * 3 + [429] * 2), (False, [200] * 5)])
def test_the_rate_limit_is_switched_by_the_setting(generated, settings, enabled, statuses):
    cache.clear()
    settings.VANGUARD_PUBLIC_OPINION_RATE = "3/h"
    settings.RATELIMIT_ENABLE = enabled
    try:
        assert [r.status_code for r in post_bodies(bench_appraisal.opinion_bodies(5))] == statuses
    finally:
        cache.clear()


def test_the_benchmark_pages_and_tally(generated):
    campaign, enrollment = generated.campaign, generated.enrollments[-1]
    pages = bench_appraisal.pages(campaign, enrollment, office="", unit_admin="")
    assert [p["name"] for p in pages] == [bench_appraisal.SUBMISSION]
    assert pages[0]["method"] == "POST" and len(pages[0]["bodies"]) == bench_appraisal.BODIES
    result = bench_appraisal.measure({"campaign": campaign.pk, "enrollment": enrollment.pk})
    assert isinstance(result[bench_appraisal.TALLY], float)
