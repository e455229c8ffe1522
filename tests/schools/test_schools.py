"""Schools' Party work (issue 20): 三培养's three tracks, 党员先锋岗 assessed at the end, the
four roles of teacher members; each rule at its boundary, access for every persona, and a
template without the part showing nothing of it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Member
from vanguard.schools import services
from vanguard.schools.models import TrainingRecord, VanguardPost

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(personas):
    return Member.objects.get(user=personas["bob"])


@pytest.fixture
def post(enrollments, bob):
    post = VanguardPost.objects.create(
        enrollment=enrollments["A"],
        title="教学质量先锋岗",
        starts_on=date(2024, 7, 1),
        ends_on=timezone.localdate() + timedelta(days=30),  # its term is not over
    )
    post.holders.set([bob])
    return post


def scope(user):
    return Scope.for_user(user)


# -- 三培养 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "outcome_on", "ok"),
    [
        ("achieved", date(2024, 7, 1), True),  # the same day as the start
        ("achieved", date(2024, 6, 30), False),  # a day before it
        ("achieved", None, False),  # an outcome needs its date
        ("in_progress", date(2024, 8, 1), False),  # in progress: no outcome date
        ("in_progress", None, True),
    ],
)
def test_a_training_outcome_is_dated_on_or_after_its_start(
    enrollments, personas, outcome, outcome_on, ok
):
    record = TrainingRecord(
        enrollment=enrollments["A"],
        track="teacher_to_member",
        name="骨干教师甲",
        started_on=date(2024, 7, 1),
        outcome=outcome,
        outcome_on=outcome_on,
    )
    if ok:
        services.save_training(record, acting=scope(personas["alice"]))
        assert TrainingRecord.objects.count() == 1
    else:
        with pytest.raises(ValidationError):
            services.save_training(record, acting=scope(personas["alice"]))
        assert not TrainingRecord.objects.exists()


def test_a_training_keeps_to_the_templates_tracks_and_the_units_members(enrollments, personas):
    other = Member.objects.get(code="B-001")
    record = TrainingRecord(
        enrollment=enrollments["A"], track="nonsense", member=other, started_on=date(2024, 7, 1)
    )
    with pytest.raises(ValidationError) as raised:
        services.save_training(record, acting=scope(personas["alice"]))
    assert set(raised.value.message_dict) == {"track", "member"}


def test_the_unit_page_adds_a_person_and_keeps_typed_values_on_error(enrollments, personas, client):
    client.force_login(personas["alice"])
    url = reverse("schools:trainings", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    data = {
        "track": "member_to_cadre",
        "name": "党员乙",
        "started_on": "2024-07-01",
        "outcome": "achieved",
        "outcome_on": "2024-06-01",
    }
    answer = client.post(url, data)
    assert answer.status_code == 400
    assert "党员乙" in answer.content.decode()
    data["outcome_on"] = "2024-09-01"
    assert client.post(url, data).status_code == 302
    assert TrainingRecord.objects.get().track == "member_to_cadre"


# -- 党员先锋岗 ---------------------------------------------------------------------------------


def test_a_post_is_assessed_from_the_last_day_of_its_term(post, personas):
    acting = scope(personas["alice"])
    with pytest.raises(ValidationError):
        services.assess(
            post, "excellent", "", today=post.ends_on - timedelta(days=1), acting=acting
        )
    services.assess(post, "excellent", "表现突出", today=post.ends_on, acting=acting)
    post.refresh_from_db()
    assert (post.grade, post.assessed_on) == ("excellent", post.ends_on)


def test_a_post_grade_is_one_of_the_templates(post, personas):
    with pytest.raises(ValidationError):
        services.assess(post, "gold", "", today=post.ends_on, acting=scope(personas["alice"]))


def test_a_post_is_held_by_members_of_its_unit(enrollments, personas):
    outsider = Member.objects.get(code="B-001")
    post = VanguardPost(
        enrollment=enrollments["A"],
        title="岗",
        starts_on=date(2024, 7, 1),
        ends_on=date(2024, 7, 1),
    )
    with pytest.raises(ValidationError):
        services.save_post(post, [outsider], acting=scope(personas["alice"]))
    with pytest.raises(ValidationError):
        services.save_post(post, [], acting=scope(personas["alice"]))
    assert not VanguardPost.objects.exists()
    with pytest.raises(PermissionDenied):
        services.save_post(
            post, [Member.objects.get(code="A1-001")], acting=scope(personas["charlie"])
        )


# -- the four roles -----------------------------------------------------------------------------


def test_only_a_teacher_member_commits_once_per_role(enrollments, personas, bob):
    today = date(2024, 7, 2)
    services.commit(
        enrollments["A"], "mentor", "结对两名后进学生", today=today, acting=scope(personas["bob"])
    )
    with pytest.raises(ValidationError):
        services.commit(
            enrollments["A"], "mentor", "再来", today=today, acting=scope(personas["bob"])
        )
    with pytest.raises(ValidationError):
        services.commit(enrollments["A"], "hero", "x", today=today, acting=scope(personas["bob"]))
    # unit B is not a school: its members are not teacher members
    from tests.conftest import make_user

    carol = make_user("carol")
    Member.objects.filter(code="B-001").update(user=carol)
    with pytest.raises(PermissionDenied):
        services.commit(enrollments["B"], "mentor", "x", today=today, acting=scope(carol))


@pytest.mark.parametrize(
    ("done_on", "ok"),
    [
        (date(2024, 7, 1), True),  # the first day of the batch
        (date(2024, 6, 30), False),  # the day before
        (date(2024, 12, 31), True),  # the last day
        (date(2025, 1, 1), False),  # the day after
    ],
)
def test_a_role_record_is_dated_within_the_campaign(enrollments, personas, done_on, ok):
    commitment = services.commit(
        enrollments["A"],
        "backbone",
        "承担公开课",
        today=date(2024, 7, 1),
        acting=scope(personas["bob"]),
    )
    today = date(2025, 3, 1)
    if ok:
        services.add_record(
            commitment, done_on, "上公开课", today=today, acting=scope(personas["bob"])
        )
    else:
        with pytest.raises(ValidationError):
            services.add_record(
                commitment, done_on, "上公开课", today=today, acting=scope(personas["bob"])
            )
    assert commitment.records.count() == (1 if ok else 0)


def test_a_record_is_not_in_the_future_and_only_the_member_keeps_it(enrollments, personas):
    commitment = services.commit(
        enrollments["A"],
        "backbone",
        "承担公开课",
        today=date(2024, 7, 1),
        acting=scope(personas["bob"]),
    )
    with pytest.raises(ValidationError):
        services.add_record(
            commitment, date(2024, 7, 3), "x", today=date(2024, 7, 2), acting=scope(personas["bob"])
        )
    with pytest.raises(PermissionDenied):
        services.add_record(
            commitment,
            date(2024, 7, 2),
            "x",
            today=date(2024, 7, 2),
            acting=scope(personas["alice"]),
        )


def test_the_unit_sees_who_committed_to_what(enrollments, personas, client, tree):
    make_member(tree["A"], "A-009", "甲九")
    services.commit(
        enrollments["A"],
        "mentor",
        "结对学生",
        today=date(2024, 7, 2),
        acting=scope(personas["bob"]),
    )
    client.force_login(personas["alice"])
    page = client.get(
        reverse("schools:roles", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    )
    text = page.content.decode()
    assert "鲍勃" in text and "结对学生" in text and "甲九" not in text


# -- access and absence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "unit_page", "post_page", "mine"),
    [
        ("office", 200, 200, 404),
        ("leader", 200, 200, 404),
        ("liaison", 200, 200, 404),
        ("alice", 200, 200, 404),
        ("bob", 403, 200, 200),
        ("charlie", 404, 404, 404),
    ],
)
def test_access_for_every_persona(
    enrollments, post, personas, client, persona, unit_page, post_page, mine
):
    campaign_pk, unit_pk = enrollments["A"].campaign_id, enrollments["A"].pk
    client.force_login(personas[persona])
    for name in ("schools:trainings", "schools:posts", "schools:roles"):
        assert client.get(reverse(name, args=[campaign_pk, unit_pk])).status_code == unit_page
    assert client.get(reverse("schools:post", args=[post.pk])).status_code == post_page
    assert client.get(reverse("schools:my-roles", args=[campaign_pk])).status_code == mine
    assessing = client.post(reverse("schools:post", args=[post.pk]), {"grade": "good"})
    expected = {"office": 400, "alice": 400, "charlie": 404}.get(persona, 403)  # 400: term not over
    assert assessing.status_code == expected


def test_a_template_without_the_parts_shows_nothing_of_them(enrollments, post, personas, client):
    campaign = enrollments["A"].campaign
    data = campaign.template_data
    for name in ("training_tracks", "post_grades", "teacher_roles"):
        data[name] = []
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    client.force_login(personas["alice"])
    for name in ("schools:trainings", "schools:posts", "schools:roles"):
        assert client.get(reverse(name, args=[campaign.pk, enrollments["A"].pk])).status_code == 404
    assert client.get(reverse("schools:post", args=[post.pk])).status_code == 404
    unit = client.get(reverse("campaigns:unit", args=[campaign.pk, enrollments["A"].pk]))
    assert 'id="schools-panel"' not in unit.content.decode()
    client.force_login(personas["bob"])
    assert client.get(reverse("schools:my-roles", args=[campaign.pk])).status_code == 404
    assert 'id="schools-me"' not in client.get(reverse("portal:me")).content.decode()


def test_the_parts_show_where_their_users_work(enrollments, personas, client):
    client.force_login(personas["alice"])
    unit = client.get(
        reverse("campaigns:unit", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    )
    assert 'id="schools-panel"' in unit.content.decode()
    client.force_login(personas["bob"])
    assert 'id="schools-me"' in client.get(reverse("portal:me")).content.decode()


def test_a_template_whose_modules_leave_them_out_shows_nothing_of_them(
    enrollments, post, personas, client
):
    campaign = enrollments["A"].campaign
    data = campaign.template_data
    data["modules"] = {"enabled": ["sessions"]}  # issue 16: only what is listed is on
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    client.force_login(personas["alice"])
    for name in ("schools:trainings", "schools:posts", "schools:roles"):
        assert client.get(reverse(name, args=[campaign.pk, enrollments["A"].pk])).status_code == 404
    client.force_login(personas["bob"])
    for name in ("study:online-mine", "study:writings-mine", "schools:my-roles"):
        assert client.get(reverse(name, args=[campaign.pk])).status_code == 404
