"""Every state-changing service of 分析评议 checks its actor without a view in between:
charlie (admin of unrelated unit B) and the read-only roles are refused on unit A's
opinions, records and appraisal round; a member acts for themself only."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.appraisal.conftest import ballot_for, open_window
from vanguard.accounts.access import Scope
from vanguard.appraisal import services
from vanguard.appraisal.models import OrgLifeMeeting, SelfAnalysis, Subject, TransferDirection

TODAY = date(2024, 8, 25)


def scope_of(user):
    return Scope.for_user(user, today=TODAY)


def actions(enrollment, tree, members, opinion, appraisal_round):
    bob, dora = members["bob"], members["dora"]
    campaign = enrollment.campaign

    def meeting():
        return OrgLifeMeeting.objects.create(
            campaign=campaign, enrollment=enrollment, organization=tree["A"], held_on=TODAY
        )

    def analysis():
        return SelfAnalysis.objects.create(campaign=campaign, member=bob, text="t")

    return {
        "receive_opinion": lambda acting: services.receive_opinion(
            campaign,
            channel="teacher_forum",
            subject=Subject.MEMBER,
            member=bob,
            content="意见",
            received_on=TODAY,
            acting=acting,
        ),
        "pass_on": lambda acting: services.pass_on(
            opinion, direction=TransferDirection.UP, reason="r", user=None, acting=acting
        ),
        "link_member": lambda acting: services.link_member(opinion, bob, acting=acting),
        "answer_opinion": lambda acting: services.answer_opinion(
            opinion, text="答复", user=None, acting=acting
        ),
        "record_feedback": lambda acting: services.record_feedback(
            opinion, on=TODAY, today=TODAY, acting=acting
        ),
        "close_opinion": lambda acting: services.close_opinion(opinion, acting=acting),
        "record_talk": lambda acting: services.record_talk(
            enrollment, talked_on=TODAY, initiator=bob, partner=dora, topic="t", acting=acting
        ),
        "save_self_analysis": lambda acting: services.save_self_analysis(
            campaign, bob, text="t", acting=acting
        ),
        "review_self_analysis": lambda acting: services.review_self_analysis(
            analysis(), accept=True, comments="", user=None, acting=acting
        ),
        "save_meeting": lambda acting: services.save_meeting(
            enrollment, organization=tree["A"], held_on=TODAY, attendees=[bob], acting=acting
        ),
        "add_criticism": lambda acting: services.add_criticism(
            meeting(), member=bob, kind="self", content="c", acting=acting
        ),
        "open_round": lambda acting: services.open_round(
            enrollment, organization=tree["A"], title="t", **open_window(), acting=acting
        ),
        "open_round_with_tellers": lambda acting: services.open_round_with_tellers(
            enrollment,
            tellers=["甲", "乙", "丙"],
            organization=tree["A"],
            title="t",
            **open_window(),
            acting=acting,
        ),
        "issue_guest_codes": lambda acting: services.issue_guest_codes(
            appraisal_round, 1, acting=acting
        ),
        "cast_ballot": lambda acting: services.cast_ballot(
            appraisal_round, ballot_for(appraisal_round), member=bob, acting=acting
        ),
        "close_round": lambda acting: services.close_round(appraisal_round, acting=acting),
        "appoint_tellers": lambda acting: services.appoint_tellers(
            appraisal_round, ["甲", "乙"], acting=acting
        ),
        "count_ballots": lambda acting: services.count_ballots(
            appraisal_round, [], now=timezone.now(), acting=acting
        ),
        "save_conclusions": lambda acting: services.save_conclusions(
            appraisal_round, {}, user=None, acting=acting
        ),
        "publish_notice": lambda acting: services.publish_notice(
            appraisal_round, text="通报", acting=acting
        ),
    }


NAMES = [
    "receive_opinion",
    "pass_on",
    "link_member",
    "answer_opinion",
    "record_feedback",
    "close_opinion",
    "record_talk",
    "save_self_analysis",
    "review_self_analysis",
    "save_meeting",
    "add_criticism",
    "open_round",
    "open_round_with_tellers",
    "issue_guest_codes",
    "cast_ballot",
    "close_round",
    "appoint_tellers",
    "count_ballots",
    "save_conclusions",
    "publish_notice",
]


@pytest.mark.parametrize("action", NAMES)
@pytest.mark.parametrize("persona", ["charlie", "leader", "liaison"])
def test_outsiders_and_readers_are_refused(
    personas, enrollments, tree, members, opinion, open_round, action, persona
):
    run = actions(enrollments["A"], tree, members, opinion, open_round)[action]
    with pytest.raises(PermissionDenied):
        run(scope_of(personas[persona]))


@pytest.mark.parametrize("action", ["save_self_analysis", "cast_ballot"])
def test_a_member_acts_for_themself_only(
    personas, enrollments, tree, members, opinion, open_round, action
):
    run = actions(enrollments["A"], tree, members, opinion, open_round)[action]
    with pytest.raises(PermissionDenied):
        run(scope_of(members["dora"].user))  # dora acting as bob
    run(scope_of(personas["bob"]))  # bob himself: no refusal


@pytest.mark.parametrize("action", ["answer_opinion", "record_talk", "save_self_analysis"])
def test_the_units_admin_acts(personas, enrollments, tree, members, opinion, open_round, action):
    actions(enrollments["A"], tree, members, opinion, open_round)[action](
        scope_of(personas["alice"])
    )  # no refusal
