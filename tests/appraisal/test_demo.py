"""The demo adds 分析评议 data that shows every page, with problems for red and amber."""

from io import StringIO

from django.core.management import call_command

from vanguard.appraisal import services
from vanguard.appraisal.models import (
    AppraisalConclusion,
    AppraisalRound,
    Ballot,
    Opinion,
    OrgLifeMeeting,
    SealedBallot,
    SelfAnalysis,
    Talk,
    VoterRoll,
)
from vanguard.campaigns import compliance
from vanguard.campaigns.models import Campaign
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Member


def test_the_demo_fills_every_page_and_shows_problems(db):
    call_command("load_demo", stdout=StringIO())

    assert Opinion.objects.filter(anonymous=True).exists()
    assert Opinion.objects.filter(entered_by__isnull=True).exists()  # from the public site
    assert Talk.objects.exists() and SelfAnalysis.objects.exists()
    assert OrgLifeMeeting.objects.exists()
    assert Ballot.objects.count() + SealedBallot.objects.count() == VoterRoll.objects.count() > 0
    assert AppraisalConclusion.objects.exists()
    assert AppraisalRound.objects.filter(published_on__isnull=False).exists()

    # the `member` login has a ballot to cast in an open round of their unit
    member = Member.objects.get(user__username="member")
    open_rounds = [r for r in AppraisalRound.objects.all() if r.is_open()]
    assert [r.organization.code for r in open_rounds] == ["KSZX"]
    assert services.voting_problem(open_rounds[0], member) is None

    # the open round's ballots are sealed; every other round is counted: as many
    # receipts as ballots as voters, and nothing left in the pool
    assert SealedBallot.objects.filter(round=open_rounds[0]).count() == (
        VoterRoll.objects.filter(round=open_rounds[0]).count()
    )
    for counted in AppraisalRound.objects.exclude(pk=open_rounds[0].pk):
        assert counted.is_counted
        assert counted.ballots.count() == counted.receipts.count() == counted.roll.count()
        assert not SealedBallot.objects.filter(round=counted).exists()

    report = compliance.evaluate(Campaign.objects.get())
    levels = {v.code: v.level for v in report.verdicts if v.code.startswith("appraisal.")}
    assert levels["appraisal.opinions"] == Severity.FAILING
    assert set(levels) == {
        "appraisal.opinions",
        "appraisal.feedback",
        "appraisal.self_analysis",
        "appraisal.talks",
        "appraisal.talks_before_meeting",
        "appraisal.appraisal",
    }
    ours = {
        f.organization.code
        for v in report.verdicts
        # the demo's meetings predate some talks: the 五.2(3) rule warns about most units
        if v.code.startswith("appraisal.") and v.code != "appraisal.talks_before_meeting"
        for f in v.findings
        if f.organization is not None
    }
    assert "JG1" not in ours and "JYZX" in ours  # a clean unit and a unit with problems
