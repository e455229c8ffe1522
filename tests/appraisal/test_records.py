"""Talks with their coverage, the self-analysis workflow, and the special meeting."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import make_member
from vanguard.appraisal import services
from vanguard.appraisal.models import (
    AnalysisStatus,
    CriticismItem,
    OrgLifeMeeting,
    SelfAnalysis,
    Talk,
)

# -- talks ---------------------------------------------------------------------------------


def test_a_talk_between_two_members_of_the_unit(enrollments, members, personas):
    talk = services.record_talk(
        enrollments["A"],
        talked_on=date(2024, 8, 20),
        initiator=members["dora"],
        partner=members["bob"],
        topic="思想工作情况",
        user=personas["alice"],
        acting=None,
    )
    assert (talk.campaign, talk.recorded_by) == (enrollments["A"].campaign, personas["alice"])


@pytest.mark.parametrize("partner", ["self", "outsider"])
def test_bad_talks_are_refused(enrollments, members, tree, partner):
    other = members["dora"] if partner == "self" else make_member(tree["B"], "B-2", "外人")
    with pytest.raises(ValidationError):
        services.record_talk(
            enrollments["A"],
            talked_on=date(2024, 8, 20),
            initiator=members["dora"],
            partner=other,
            topic="谈心",
            acting=None,
        )
    assert not Talk.objects.exists()


def test_the_talks_page_shows_who_is_not_yet_covered(login, personas, enrollments, members):
    services.record_talk(
        enrollments["A"],
        talked_on=date(2024, 8, 20),
        initiator=members["dora"],
        partner=members["bob"],
        topic="谈心",
        acting=None,
    )
    url = reverse("appraisal:talks", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    response = login(personas["alice"]).get(url)
    assert response.context["covered"] == 2
    counts = {member.name: count for member, count in response.context["members"]}
    assert counts == {"朵拉": 1, "鲍勃": 1, "伊芙": 0}


def test_a_bad_talk_form_keeps_what_was_typed(login, personas, enrollments, members):
    url = reverse("appraisal:talks", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    response = login(personas["alice"]).post(
        url,
        {
            "talked_on": "2024-08-20",
            "initiator": members["bob"].pk,
            "partner": members["bob"].pk,
            "topic": "自己和自己",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["partner"]
    assert "自己和自己" in response.content.decode()
    assert not Talk.objects.exists()


# -- self-analysis -------------------------------------------------------------------------


def test_the_self_analysis_workflow(campaign_a, members, personas):
    bob = members["bob"]
    draft = services.save_self_analysis(campaign_a, bob, text="初稿", acting=None)
    assert draft.status == AnalysisStatus.DRAFT

    submitted = services.save_self_analysis(
        campaign_a, bob, text="正式稿", submit=True, today=date(2024, 8, 25), acting=None
    )
    assert (submitted.status, submitted.submitted_on) == (
        AnalysisStatus.SUBMITTED,
        date(2024, 8, 25),
    )
    with pytest.raises(ValidationError):  # with the unit now
        services.save_self_analysis(campaign_a, bob, text="改", acting=None)

    returned = services.review_self_analysis(
        submitted, accept=False, comments="剖析不深", user=personas["alice"], acting=None
    )
    assert returned.status == AnalysisStatus.RETURNED
    revised = services.save_self_analysis(campaign_a, bob, text="修改稿", acting=None)
    assert revised.status == AnalysisStatus.RETURNED  # a saved revision is not yet resubmitted
    resubmitted = services.save_self_analysis(
        campaign_a, bob, text="修改稿", submit=True, acting=None
    )
    accepted = services.review_self_analysis(
        resubmitted, accept=True, comments="", user=personas["alice"], acting=None
    )
    assert accepted.status == AnalysisStatus.ACCEPTED and accepted.reviewed_by == personas["alice"]
    assert SelfAnalysis.history.filter(id=accepted.pk).count() >= 5  # every step audited


def test_returning_needs_comments_and_a_submitted_analysis(campaign_a, members, personas):
    analysis = services.save_self_analysis(
        campaign_a, members["bob"], text="稿", submit=True, acting=None
    )
    with pytest.raises(ValidationError):
        services.review_self_analysis(analysis, accept=False, comments=" ", user=None, acting=None)
    draft = services.save_self_analysis(campaign_a, members["eve"], text="稿", acting=None)
    with pytest.raises(ValidationError):
        services.review_self_analysis(draft, accept=True, comments="", user=None, acting=None)


def test_an_empty_self_analysis_is_not_submitted(campaign_a, members):
    with pytest.raises(ValidationError):
        services.save_self_analysis(campaign_a, members["bob"], text="  ", submit=True, acting=None)
    assert not SelfAnalysis.objects.exists()


def test_a_member_outside_the_campaign_has_no_self_analysis(campaign_a, tree):
    from vanguard.orgs.models import Organization, OrgKind

    elsewhere = Organization.objects.add_child(
        tree["root"], dict(code="C", name="丙", kind=OrgKind.BRANCH)
    )
    stranger = make_member(elsewhere, "C-1", "丙某")
    with pytest.raises(ValidationError):
        services.save_self_analysis(campaign_a, stranger, text="稿", acting=None)


def test_a_member_writes_and_submits_on_their_page(login, personas, campaign_a, members):
    client = login(personas["bob"])
    url = reverse("appraisal:my-self-analysis", args=[campaign_a.pk])
    assert client.post(url, {"text": "草稿", "save": ""}).status_code == 302
    assert SelfAnalysis.objects.get().status == AnalysisStatus.DRAFT
    assert client.post(url, {"text": "定稿", "submit": ""}).status_code == 302
    assert SelfAnalysis.objects.get().status == AnalysisStatus.SUBMITTED
    assert client.post(url, {"text": "再改", "save": ""}).status_code == 403
    assert SelfAnalysis.objects.get().text == "定稿"


def test_the_unit_sees_who_is_missing(login, personas, enrollments, campaign_a, members):
    services.save_self_analysis(campaign_a, members["bob"], text="稿", submit=True, acting=None)
    services.save_self_analysis(campaign_a, members["eve"], text="稿", acting=None)
    url = reverse(
        "appraisal:self-analyses", args=[enrollments["A"].campaign_id, enrollments["A"].pk]
    )
    response = login(personas["alice"]).get(url)
    statuses = {m.name: (a.status if a else None) for m, a in response.context["rows"]}
    assert statuses == {"朵拉": None, "鲍勃": "submitted", "伊芙": "draft"}
    assert (response.context["handed_in"], response.context["to_review"]) == (1, 1)


def test_the_unit_enters_a_paper_self_analysis(login, personas, campaign_a, members):
    url = reverse("appraisal:self-analysis-enter", args=[campaign_a.pk, members["dora"].pk])
    response = login(personas["alice"]).post(url, {"text": "纸质稿"})
    assert response.status_code == 302
    assert SelfAnalysis.objects.get(member=members["dora"]).status == AnalysisStatus.SUBMITTED


# -- the special meeting -------------------------------------------------------------------


def test_a_meeting_with_attendance_and_criticism(enrollments, members, tree, personas):
    meeting = services.save_meeting(
        enrollments["A"],
        organization=tree["A"],
        held_on=date(2024, 9, 1),
        attendees=[members["bob"], members["dora"]],
        minutes="开展批评与自我批评",
        user=personas["alice"],
        acting=None,
    )
    services.add_criticism(
        meeting, member=members["bob"], kind="self", content="学习不够", acting=None
    )
    services.add_criticism(
        meeting,
        member=members["bob"],
        kind="criticism",
        content="多沟通",
        raised_by=members["dora"],
        acting=None,
    )
    assert set(meeting.attendees.all()) == {members["bob"], members["dora"]}
    assert CriticismItem.objects.filter(meeting=meeting).count() == 2


def test_criticism_needs_who_raised_it(enrollments, members, tree):
    meeting = services.save_meeting(
        enrollments["A"],
        organization=tree["A"],
        held_on=date(2024, 9, 1),
        attendees=[members["bob"]],
        acting=None,
    )
    for raised_by in (None, members["bob"]):
        with pytest.raises(ValidationError):
            services.add_criticism(
                meeting,
                member=members["bob"],
                kind="criticism",
                content="x",
                raised_by=raised_by,
                acting=None,
            )
    assert not CriticismItem.objects.exists()


def test_a_branch_meeting_takes_only_its_members(enrollments, members, tree):
    with pytest.raises(ValidationError) as error:
        services.save_meeting(
            enrollments["A"],
            organization=tree["A1"],
            held_on=date(2024, 9, 1),
            attendees=[members["bob"], members["dora"]],  # dora is in A, not A1
            acting=None,
        )
    assert "朵拉" in error.value.messages[0]
    assert not OrgLifeMeeting.objects.exists()


def test_the_meeting_page_lists_items_member_by_member(login, personas, enrollments, members, tree):
    meeting = services.save_meeting(
        enrollments["A"],
        organization=tree["A"],
        held_on=date(2024, 9, 1),
        attendees=[members["bob"], members["dora"]],
        acting=None,
    )
    services.add_criticism(
        meeting, member=members["dora"], kind="self", content="学习不够", acting=None
    )
    response = login(personas["alice"]).get(reverse("appraisal:meeting", args=[meeting.pk]))
    rows = {row["member"].name: row for row in response.context["rows"]}
    assert rows["伊芙"]["attended"] is False
    assert [i.content for i in rows["朵拉"]["self"]] == ["学习不够"]
    assert [m.name for m in response.context["without_self_criticism"]] == ["鲍勃"]


def test_a_bad_meeting_form_keeps_what_was_typed(login, personas, enrollments, tree):
    url = reverse("appraisal:meetings", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    response = login(personas["alice"]).post(
        url, {"organization": tree["A"].pk, "held_on": "2024-13-01", "minutes": "会议纪要文字"}
    )
    assert response.status_code == 400
    assert "会议纪要文字" in response.content.decode()
    assert not OrgLifeMeeting.objects.exists()
