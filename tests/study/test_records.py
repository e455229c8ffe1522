"""The session form, the collective study log, study notes, 五个一 and leaders' 三进."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vanguard.study import services
from vanguard.study.models import FiveOneRecord, LeaderVisit, StudyNote, StudySession

SESSION = {
    "kind": "mobilization_meeting",
    "topic": "先进性教育活动动员大会",
    "date": "2024-07-02",
    "starts_at": "14:00",
    "ends_at": "16:00",
    "hours": "2.0",
}


def new_session_url(enrollment):
    return reverse("study:session-new", args=[enrollment.campaign_id, enrollment.pk])


def test_creating_a_session(login, personas, planned, tree):
    response = login(personas["alice"]).post(
        new_session_url(planned["A"]), {**SESSION, "organization": tree["A1"].pk}
    )
    session = StudySession.objects.get()
    assert response.url == reverse("study:session", args=[session.pk])
    assert (session.organization, session.enrollment, session.created_by) == (
        tree["A1"],
        planned["A"],
        personas["alice"],
    )
    assert len(session.checkin_code) == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": "2.5"}, "hours"),  # more than the two hours it lasts
        ({"ends_at": "13:00"}, "ends_at"),
        ({"kind": "picnic"}, "kind"),
        ({"hours": "0"}, "hours"),
    ],
)
def test_bad_sessions_are_refused_and_keep_what_was_typed(
    login, personas, planned, tree, change, field
):
    data = {**SESSION, "organization": tree["A"].pk, **change}
    response = login(personas["alice"]).post(new_session_url(planned["A"]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert SESSION["topic"] in response.content.decode()
    assert not StudySession.objects.exists()


def test_a_session_cannot_be_held_by_an_organisation_outside_the_unit(
    login, personas, planned, tree
):
    data = {**SESSION, "organization": tree["B"].pk}
    response = login(personas["alice"]).post(new_session_url(planned["A"]), data)
    assert "organization" in response.context["form"].errors


def test_a_session_outside_the_study_phase_is_saved_and_marked(login, personas, planned, tree):
    client = login(personas["alice"])
    client.post(
        new_session_url(planned["A"]),
        {**SESSION, "date": "2024-09-20", "organization": tree["A"].pk},
    )
    session = StudySession.objects.get()
    page = client.get(reverse("study:sessions", args=[planned["A"].campaign_id, planned["A"].pk]))
    assert page.context["sessions"][0].outside_window is True
    detail = client.get(reverse("study:session", args=[session.pk]))
    assert detail.context["outside_window"] is True


def test_the_mobilisation_meeting_is_evidence_of_its_step(login, personas, make_session, planned):
    make_session(kind="mobilization_meeting", topic="动员大会")
    page = login(personas["alice"]).get(
        reverse("campaigns:unit", args=[planned["A"].campaign_id, planned["A"].pk])
    )
    assert 'data-step-evidence="思想发动"' in page.content.decode()


def test_writing_the_record_of_a_session(login, personas, make_session):
    session = make_session()
    response = login(personas["alice"]).post(
        reverse("study:session-log", args=[session.pk]),
        {"content": "学习了党章总纲。", "summary": "效果好", "recorder": "组织委员"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.log.content == "学习了党章总纲。" and session.log.written_by == personas["alice"]


def test_check_in_display_shows_the_code_and_a_qr(login, personas, make_session):
    session = make_session()
    page = login(personas["alice"]).get(reverse("study:checkin-display", args=[session.pk]))
    body = page.content.decode()
    assert session.checkin_code in body and "<svg" in body and "<path" in body

    old = session.checkin_code
    login(personas["alice"]).post(reverse("study:checkin-renew", args=[session.pk]))
    session.refresh_from_db()
    assert session.checkin_code != old


# -- notes ---------------------------------------------------------------------------------


def test_member_keeps_study_notes(login, personas, planned, make_session):
    session = make_session()
    client = login(personas["bob"])
    url = reverse("study:my-notes", args=[planned["A"].campaign_id])
    response = client.post(
        url,
        {
            "written_on": "2024-07-10",
            "title": "学习体会",
            "session": session.pk,
            "content": "牢记宗旨。",
        },
    )
    assert response.status_code == 302
    note = StudyNote.objects.get()
    assert (note.member, note.session) == (personas["bob"].member, session)

    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad = client.post(url, {"written_on": future, "title": "x", "content": "y"})
    assert bad.status_code == 400 and StudyNote.objects.count() == 1
    assert (
        login(personas["alice"]).get(reverse("study:note-edit", args=[note.pk])).status_code == 404
    )


# -- 五个一 ---------------------------------------------------------------------------------


def test_five_ones_need_a_partner_where_the_template_says(campaign, personas):
    member = personas["bob"].member
    with pytest.raises(services.FiveOneError, match="name the person"):
        services.mark_five_one(
            campaign, member, "pair_with_needy", done_on=date(2024, 7, 1), acting=None
        )
    record = services.mark_five_one(
        campaign,
        member,
        "pair_with_needy",
        done_on=date(2024, 7, 1),
        partner="初二学生小王",
        acting=None,
    )
    assert record.partner == "初二学生小王"
    services.mark_five_one(campaign, member, "renew_oath", done_on=date(2024, 7, 1), acting=None)
    with pytest.raises(services.FiveOneError):
        services.mark_five_one(
            campaign, member, "no_such_item", done_on=date(2024, 7, 1), acting=None
        )
    with pytest.raises(services.FiveOneError, match="future"):
        services.mark_five_one(
            campaign,
            member,
            "mentor",
            done_on=timezone.localdate() + timedelta(days=1),
            partner="x",
            acting=None,
        )
    assert FiveOneRecord.objects.count() == 2


def test_member_marks_a_five_one_and_the_unit_sees_it(login, personas, planned):
    campaign_id = planned["A"].campaign_id
    login(personas["bob"]).post(
        reverse("study:my-five-one", args=[campaign_id]),
        {"item": "renew_oath", "done_on": "2024-07-01"},
    )
    assert FiveOneRecord.objects.get().member == personas["bob"].member

    page = login(personas["alice"]).get(
        reverse("study:unit-five-ones", args=[campaign_id, planned["A"].pk])
    )
    row = next(r for r in page.context["rows"] if r["member"] == personas["bob"].member)
    assert row["done"] == 1 and page.context["done_per_item"][0] == 1


def test_unit_admin_records_and_clears_a_five_one(login, personas, planned):
    url = reverse("study:unit-five-ones", args=[planned["A"].campaign_id, planned["A"].pk])
    bob = personas["bob"].member
    client = login(personas["alice"])
    client.post(
        url, {"member": bob.pk, "item": "mentor", "done_on": "2024-07-01", "partner": "青年教师"}
    )
    assert FiveOneRecord.objects.get().partner == "青年教师"
    clear = reverse("study:unit-five-one-clear", args=[planned["A"].campaign_id, planned["A"].pk])
    client.post(clear, {"member": bob.pk, "item": "mentor"})
    assert not FiveOneRecord.objects.exists()
    assert (
        login(personas["leader"]).post(url, {"member": bob.pk, "item": "mentor"}).status_code == 403
    )


# -- leaders' 三进 ---------------------------------------------------------------------------


VISIT = {
    "kind": "school",
    "activity": "与学生一起听课",
    "visited_on": "2024-07-05",
    "place": "甲中学初二（3）班",
}


@pytest.fixture
def leader_member(personas):
    member = personas["bob"].member
    member.is_leader_cadre = True
    member.save()
    return member


def test_leader_cadre_logs_a_visit(login, personas, planned, leader_member, tree):
    url = reverse("study:visits", args=[planned["A"].campaign_id])
    response = login(personas["bob"]).post(url, {**VISIT, "organization": tree["A"].pk})
    assert response.status_code == 302
    visit = LeaderVisit.objects.get()
    assert (visit.member, visit.kind, visit.organization, visit.campaign) == (
        leader_member,
        "school",
        tree["A"],
        planned["A"].campaign,
    )


def test_an_activity_of_another_kind_is_refused(login, personas, planned, leader_member):
    url = reverse("study:visits", args=[planned["A"].campaign_id])
    response = login(personas["bob"]).post(url, {**VISIT, "kind": "home"})
    assert response.status_code == 400
    assert "activity" in response.context["form"].errors
    assert not LeaderVisit.objects.exists()


def test_members_who_are_not_leader_cadres_cannot_log_visits(login, personas, planned):
    url = reverse("study:visits", args=[planned["A"].campaign_id])
    assert login(personas["bob"]).post(url, VISIT).status_code == 403
    assert login(personas["office"]).post(url, VISIT).status_code == 403


def test_leader_visit_fields_others_depend_on():
    fields = {f.name: type(f).__name__ for f in LeaderVisit._meta.get_fields()}
    assert fields["member"] == "ForeignKey" and fields["campaign"] == "ForeignKey"
    assert fields["visited_on"] == "DateField" and fields["place"] == "CharField"
    assert fields["notes"] == "TextField" and fields["kind"] == "CharField"
    assert LeaderVisit._meta.get_field("organization").null is True
