"""Consolidation and long-term mechanisms: practical deeds for rural schools, recurring
activities with their rhythm and occurrences, the 三培养 pipeline and pairings."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vanguard.rectification import services
from vanguard.rectification.models import (
    Cultivation,
    EvidenceFile,
    Mechanism,
    Occurrence,
    Pairing,
    PracticalDeed,
    Rhythm,
    Stage,
)

DEED = {
    "title": "为渔农村学校捐赠图书",
    "done_on": "2024-10-20",
    "beneficiary_school": "东沙镇中心小学",
    "beneficiaries": "全校师生",
    "beneficiary_count": "420",
    "description": "捐赠图书2000册",
}


def longterm_url(enrollment, name="rectification:longterm", *extra):
    return reverse(name, args=[enrollment.campaign_id, enrollment.pk, *extra])


# -- practical deeds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("office", 200, True),
        ("leader", 200, True),
        ("alice", 200, True),
        ("charlie", 200, False),
        ("bob", 404, False),
    ],
)
def test_deeds_page_shows_deeds_in_scope(
    login, personas, campaign, tree, enrollments, persona, status, sees
):
    services.record_deed(
        campaign, organization=tree["A"], **{**DEED, "done_on": date(2024, 10, 20)}, acting=None
    )
    response = login(personas[persona]).get(reverse("rectification:deeds", args=[campaign.pk]))
    assert response.status_code == status
    assert ("东沙镇中心小学" in response.content.decode()) is sees


@pytest.mark.parametrize(("persona", "status"), [("alice", 302), ("office", 302), ("leader", 403)])
def test_recording_a_deed(login, personas, campaign, tree, enrollments, persona, status):
    response = login(personas[persona]).post(
        reverse("rectification:deed-add", args=[campaign.pk]),
        {**DEED, "organization": tree["A"].pk},
    )
    assert response.status_code == status
    if status == 302:
        deed = PracticalDeed.objects.get()
        assert (deed.enrollment, deed.beneficiary_count, deed.done_on) == (
            enrollments["A"],
            420,
            date(2024, 10, 20),
        )
    else:
        assert not PracticalDeed.objects.exists()


def test_a_unit_admin_cannot_record_a_deed_for_another_unit(
    login, personas, campaign, tree, enrollments
):
    response = login(personas["charlie"]).post(
        reverse("rectification:deed-add", args=[campaign.pk]),
        {**DEED, "organization": tree["A"].pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["organization"]
    assert not PracticalDeed.objects.exists()


def test_a_bad_deed_keeps_what_was_typed(login, personas, campaign, tree, enrollments):
    response = login(personas["alice"]).post(
        reverse("rectification:deed-add", args=[campaign.pk]),
        {**DEED, "organization": tree["A"].pk, "done_on": "2024-02-30", "beneficiary_count": "-3"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"done_on", "beneficiary_count"}
    assert "东沙镇中心小学" in response.content.decode()
    assert not PracticalDeed.objects.exists()


def test_the_bureau_records_its_own_deeds(campaign, tree):
    deed = services.record_deed(
        campaign, organization=tree["root"], **{**DEED, "done_on": date(2024, 9, 1)}, acting=None
    )
    assert deed.enrollment is None


@pytest.mark.parametrize(("persona", "status"), [("alice", 302), ("leader", 403), ("charlie", 404)])
def test_deed_evidence_access(login, personas, campaign, tree, enrollments, persona, status):
    deed = services.record_deed(
        campaign, organization=tree["A"], **{**DEED, "done_on": date(2024, 9, 1)}, acting=None
    )
    upload = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0" + b"jpeg")  # JPEG by content
    response = login(personas[persona]).post(
        reverse("rectification:deed-evidence", args=[deed.pk]),
        {"title": "捐赠照片", "file": upload},
    )
    assert response.status_code == status
    assert EvidenceFile.objects.filter(deed=deed).exists() is (status == 302)


def test_deeds_page_queries_do_not_grow(login, personas, campaign, tree, enrollments):
    client = login(personas["office"])
    url = reverse("rectification:deeds", args=[campaign.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(index):
        deed = services.record_deed(
            campaign,
            organization=tree["A"],
            **{**DEED, "done_on": date(2024, 9, index + 1)},
            acting=None,
        )
        services.add_evidence(
            deed=deed, title="照片", file=SimpleUploadedFile("a.jpg", b"a"), acting=None
        )

    add(0)
    few = count()
    for index in range(1, 9):
        add(index)
    assert count() == few


# -- mechanisms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_longterm_page_is_for_the_units_readers(login, personas, enrollments, persona, status):
    response = login(personas[persona]).get(longterm_url(enrollments["A"]))
    assert response.status_code == status


def test_instituting_a_mechanism_from_the_templates_vocabulary(login, personas, enrollments):
    client = login(personas["alice"])
    url = longterm_url(enrollments["A"], "rectification:mechanism-add")
    response = client.post(
        url, {"kind": "weekend_classes", "rhythm": "monthly", "started_on": "2024-10-14"}
    )
    assert response.status_code == 302
    # the same mechanism twice, and one not in the template, are refused
    again = client.post(
        url, {"kind": "weekend_classes", "rhythm": "weekly", "started_on": "2024-10-14"}
    )
    assert again.status_code == 400 and again.context["mechanism_form"].errors["kind"]
    unknown = client.post(url, {"kind": "dancing", "rhythm": "weekly", "started_on": "2024-10-14"})
    assert unknown.status_code == 400
    assert Mechanism.objects.get().rhythm == Rhythm.MONTHLY


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 302), ("leader", 403), ("liaison", 403), ("charlie", 404)]
)
def test_only_managers_record_occurrences(login, personas, enrollments, persona, status):
    mechanism = services.institute_mechanism(
        enrollments["A"],
        kind="current_affairs_reports",
        rhythm=Rhythm.QUARTERLY,
        started_on=date(2024, 10, 14),
        acting=None,
    )
    response = login(personas[persona]).post(
        reverse("rectification:occurrence-add", args=[mechanism.pk]),
        {
            f"m{mechanism.pk}-held_on": "2024-11-05",
            f"m{mechanism.pk}-topic": "形势报告",
            f"m{mechanism.pk}-participants": "30",
        },
    )
    assert response.status_code == status
    assert Occurrence.objects.exists() is (status == 302)


def test_an_occurrence_in_the_future_is_refused(enrollments):
    mechanism = services.institute_mechanism(
        enrollments["A"],
        kind="heart_to_heart_talks",
        rhythm=Rhythm.TERMLY,
        started_on=date(2024, 10, 14),
        acting=None,
    )
    with pytest.raises(ValidationError):
        services.record_occurrence(
            mechanism, held_on=timezone.localdate() + timedelta(days=1), topic="谈心", acting=None
        )


@pytest.mark.parametrize(
    ("last_held_days_ago", "behind"),
    [(30, False), (31, False), (32, True)],
)
def test_a_monthly_activity_falls_behind_after_a_month(
    login, personas, enrollments, last_held_days_ago, behind
):
    today = timezone.localdate()
    mechanism = services.institute_mechanism(
        enrollments["A"],
        kind="weekend_classes",
        rhythm=Rhythm.MONTHLY,
        started_on=today - timedelta(days=400),
        acting=None,
    )
    services.record_occurrence(
        mechanism, held_on=today - timedelta(days=last_held_days_ago), topic="讲座", acting=None
    )
    response = login(personas["alice"]).get(longterm_url(enrollments["A"]))
    shown = response.context["mechanisms"][0]
    assert (shown.behind, shown.count) == (behind, 1)


# -- 三培养 and pairings ---------------------------------------------------------------------


def test_the_pipeline_moves_activists_to_full_members(login, personas, tree, enrollments):
    client = login(personas["alice"])
    response = client.post(
        longterm_url(enrollments["A"], "rectification:cultivation-add"),
        {"name": "陈晓燕", "position": "语文教师", "activist_on": "2023-03-01"},
    )
    assert response.status_code == 302
    person = Cultivation.objects.get()
    assert person.stage == Stage.ACTIVIST
    advance = longterm_url(enrollments["A"], "rectification:cultivation-advance", person.pk)
    client.post(advance, {"probationary_on": "2024-06-01"})
    client.post(advance, {"formal_on": "2025-06-01"})
    person.refresh_from_db()
    assert (person.stage, person.probationary_on, person.formal_on) == (
        Stage.FORMAL,
        date(2024, 6, 1),
        date(2025, 6, 1),
    )
    stages = dict(client.get(longterm_url(enrollments["A"])).context["pipeline"])
    assert [p.name for p in stages[Stage.FORMAL.label]] == ["陈晓燕"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"activist_on": "2024-03-01", "probationary_on": "2024-01-01"}, "probationary_on"),
        ({"activist_on": "2023-03-01", "formal_on": "2024-06-01"}, "formal_on"),
        (
            {
                "activist_on": "2023-03-01",
                "probationary_on": "2024-06-01",
                "formal_on": "2024-01-01",
            },
            "formal_on",
        ),
    ],
)
def test_the_pipelines_dates_are_in_order(login, personas, enrollments, fields, error):
    response = login(personas["alice"]).post(
        longterm_url(enrollments["A"], "rectification:cultivation-add"),
        {"name": "李振华", **fields},
    )
    assert response.status_code == 400
    form = response.context["cultivation_form"]
    assert form.errors.get(error) or form.non_field_errors()
    assert 'value="李振华"' in response.content.decode()
    assert not Cultivation.objects.exists()


def test_advancing_out_of_order_is_refused(login, personas, tree, enrollments):
    person = services.add_cultivation(
        tree["A"], name="王丽君", activist_on=date(2023, 3, 1), acting=None
    )
    response = login(personas["alice"]).post(
        longterm_url(enrollments["A"], "rectification:cultivation-advance", person.pk),
        {"formal_on": "2025-01-01"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.formal_on is None


@pytest.mark.parametrize(("persona", "status"), [("alice", 302), ("leader", 403), ("charlie", 404)])
def test_pairings(login, personas, enrollments, bob_member, persona, status):
    response = login(personas[persona]).post(
        longterm_url(enrollments["A"], "rectification:pairing-add"),
        {
            "member": bob_member.pk,
            "partner_kind": "struggling_student",
            "partner_name": "小杰",
            "started_on": "2024-09-01",
        },
    )
    assert response.status_code == status
    assert Pairing.objects.filter(member=bob_member).exists() is (status == 302)


def test_a_pairing_ends_after_it_starts(login, personas, enrollments, bob_member):
    response = login(personas["alice"]).post(
        longterm_url(enrollments["A"], "rectification:pairing-add"),
        {
            "member": bob_member.pk,
            "partner_kind": "young_teacher",
            "partner_name": "李老师",
            "started_on": "2024-09-01",
            "ended_on": "2024-08-01",
        },
    )
    assert response.status_code == 400
    assert not Pairing.objects.exists()


def test_longterm_page_queries_do_not_grow(login, personas, tree, enrollments, bob_member):
    client = login(personas["alice"])
    url = longterm_url(enrollments["A"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = None
    for index, kind in enumerate(["weekend_classes", "summer_training", "heart_to_heart_talks"]):
        mechanism = services.institute_mechanism(
            enrollments["A"],
            kind=kind,
            rhythm=Rhythm.MONTHLY,
            started_on=date(2024, 1, 1),
            acting=None,
        )
        for month in range(1, 6):
            services.record_occurrence(
                mechanism, held_on=date(2024, month, 10), topic="活动", acting=None
            )
        services.add_cultivation(
            tree["A1"],
            name=f"积极分子{index}",
            activist_on=date(2023, 1, 1),
            mentor=bob_member,
            acting=None,
        )
        services.add_pairing(
            bob_member,
            partner_kind="young_teacher",
            partner_name=f"老师{index}",
            started_on=date(2024, 9, 1),
            acting=None,
        )
        few = few or count()  # with one of each
    assert count() == few
