"""五.2(3) 要在谈心活动的基础上，召开专题组织生活会: a meeting held before every member's talk
and 党性分析 are done is flagged (a warning), by the template's rule, at the day's boundary."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import make_member
from vanguard.appraisal.compliance import talks_before_meeting
from vanguard.appraisal.models import AnalysisStatus, OrgLifeMeeting, SelfAnalysis, Talk
from vanguard.campaigns.compliance import ComplianceContext
from vanguard.campaigns.template import MeetingRule
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Member

LAST_TALK = date(2024, 8, 20)


@pytest.fixture
def unit(tree, personas, campaign, enrollments):
    """Unit A: three members, every one talked with (the last talk on LAST_TALK) and with
    their 党性分析 handed in before it."""
    enrollment = enrollments["A"]
    make_member(tree["A1"], "A1-002", "党员乙")
    make_member(tree["A"], "A-001", "党员丙")
    members = list(Member.objects.filter(organization__path__startswith=tree["A"].path))
    for member in members:
        SelfAnalysis.objects.create(
            campaign=campaign,
            member=member,
            status=AnalysisStatus.SUBMITTED,
            submitted_on=date(2024, 8, 1),
        )
    pairs = [(members[0], members[1], date(2024, 8, 10)), (members[1], members[2], LAST_TALK)]
    for initiator, partner, day in pairs:
        Talk.objects.create(
            campaign=campaign,
            enrollment=enrollment,
            talked_on=day,
            initiator=initiator,
            partner=partner,
            topic="谈心",
        )
    return enrollment


def meeting(enrollment, held_on):
    return OrgLifeMeeting.objects.create(
        campaign=enrollment.campaign,
        enrollment=enrollment,
        organization=enrollment.organization,
        held_on=held_on,
    )


def found(campaign):
    return talks_before_meeting(ComplianceContext(campaign, today=date(2024, 12, 31)))


def findings(campaign):
    """The problems (a green rule also returns what it counted)."""
    return [f for f in found(campaign) if f.level > Severity.OK]


def test_a_meeting_one_day_before_the_last_talk_is_flagged(unit, campaign):
    meeting(unit, date(2024, 8, 19))
    [finding] = findings(campaign)
    assert finding.level == Severity.WARNING
    assert finding.enrollment_id == unit.pk
    assert finding.members == ("党员乙",)  # the only one whose talk came later


def test_a_meeting_on_the_day_of_the_last_talk_is_not(unit, campaign):
    meeting(unit, LAST_TALK)
    assert findings(campaign) == []
    (counted,) = found(campaign)  # what was counted, with the unit's meetings
    assert counted.level == Severity.OK
    assert (
        reverse("appraisal:meetings", args=[campaign.pk, unit.pk]) in dict(counted.links).values()
    )


def test_a_missing_party_spirit_analysis_flags_the_meeting(unit, campaign):
    meeting(unit, LAST_TALK)
    analysis = SelfAnalysis.objects.get(member__name="党员乙")
    analysis.status = AnalysisStatus.DRAFT
    analysis.save()
    [finding] = findings(campaign)
    assert finding.members == ("党员乙",)
    # handed in the day after the meeting: still premature
    analysis.status, analysis.submitted_on = AnalysisStatus.SUBMITTED, date(2024, 8, 21)
    analysis.save()
    assert len(findings(campaign)) == 1


def test_the_rule_follows_the_template(unit, campaign):
    meeting(unit, date(2024, 8, 19))
    rules = campaign.rules
    # talks only: the analyses are not asked for, the talk still is
    campaign.template_data = dataclasses.replace(
        rules, org_life_meeting=MeetingRule(after_talks=False, after_self_analysis=True)
    ).to_dict()
    campaign.save()
    campaign.__dict__.pop("template", None)
    assert findings(campaign) == []
    # a template without the rule: nothing of it
    campaign.template_data = dataclasses.replace(rules, org_life_meeting=None).to_dict()
    campaign.save()
    campaign.__dict__.pop("template", None)
    assert campaign.rules.org_life_meeting is None
    assert findings(campaign) == []


def test_the_rule_shows_on_the_units_verdicts(unit, campaign, personas, client):
    meeting(unit, date(2024, 8, 19))
    from django.urls import reverse

    client.force_login(personas["alice"])
    page = client.get(
        reverse("campaigns:verdict", args=[campaign.pk, "appraisal.talks_before_meeting"])
    )
    assert page.status_code == 200
