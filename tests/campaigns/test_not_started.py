"""未开展 for every module (issue 16): each phase app reports, through its activity probe
(`@activity`, registered with its compliance module in the registry), whether a unit has
recorded anything in it. A unit whose phase has started with one record in any module is
under way; with none it is 未开展."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.conftest import make_member
from vanguard.appraisal import services as appraisal
from vanguard.appraisal.models import AppraisalRound, OrgLifeMeeting, Subject
from vanguard.campaigns import compliance, services
from vanguard.oversight import services as oversight
from vanguard.oversight.models import LeaderDutyRecord
from vanguard.rectification import services as rectification
from vanguard.rectification.models import Level
from vanguard.schools.models import TrainingRecord, VanguardPost
from vanguard.situation.models import Problem, UnitProfile
from vanguard.study.models import FiveOneRecord, LeaderVisit, StudyNote, UnitMaterial

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}
STARTED = date(2024, 7, 20)
DAY = date(2024, 7, 10)


def _opinion(enrollment, member):
    appraisal.receive_opinion(
        enrollment.campaign,
        channel="online",
        subject=Subject.MEMBER,
        member=member,
        content="意见",
        received_on=DAY,
        acting=None,
    )


def _talk(enrollment, member):
    other = make_member(member.organization, "A1-009", "谈话人")
    appraisal.record_talk(
        enrollment, talked_on=DAY, initiator=other, partner=member, topic="谈心", acting=None
    )


def _analysis(enrollment, member):
    appraisal.save_self_analysis(enrollment.campaign, member, text="稿", submit=False, acting=None)


def _meeting(enrollment, member):
    OrgLifeMeeting.objects.create(
        campaign=enrollment.campaign,
        enrollment=enrollment,
        organization=enrollment.organization,
        held_on=DAY,
    )


def _round(enrollment, member):
    opens = timezone.make_aware(datetime.combine(DAY, time(9)))
    AppraisalRound.objects.create(
        campaign=enrollment.campaign,
        enrollment=enrollment,
        organization=enrollment.organization,
        title="民主评议",
        opens_at=opens,
        closes_at=opens + timedelta(hours=2),
    )


def _item(enrollment, member):
    rectification.create_item(
        enrollment.campaign,
        level=Level.ORGANIZATION,
        organization=enrollment.organization,
        problem="联系群众不够",
        measures="设立接待日",
        acting=None,
    )


def _group(enrollment, member):
    oversight.create_leading_group(enrollment.campaign, enrollment.organization, acting=None)


def _duty(enrollment, member):
    LeaderDutyRecord.objects.create(
        campaign=enrollment.campaign, member=member, duty="x", done_on=DAY, description="带头"
    )


def _problem(enrollment, member):
    Problem.objects.create(enrollment=enrollment, title="学习不经常", recorded_on=DAY)


def _profile(enrollment, member):
    UnitProfile.objects.create(enrollment=enrollment, entered={"basic": "概况"})


def _training(enrollment, member):
    TrainingRecord.objects.create(
        enrollment=enrollment, track="backbone", name="青年教师", started_on=DAY
    )


def _post(enrollment, member):
    VanguardPost.objects.create(enrollment=enrollment, title="先锋岗", starts_on=DAY, ends_on=DAY)


def _material(enrollment, member):
    UnitMaterial.objects.create(
        enrollment=enrollment, title="材料", file=ContentFile(b"x", name="m.txt")
    )


def _note(enrollment, member):
    StudyNote.objects.create(
        campaign=enrollment.campaign, member=member, written_on=DAY, title="笔记", content="体会"
    )


def _five_one(enrollment, member):
    FiveOneRecord.objects.create(
        campaign=enrollment.campaign, member=member, item="book", done_on=DAY
    )


def _visit(enrollment, member):
    LeaderVisit.objects.create(
        campaign=enrollment.campaign, member=member, kind="school", visited_on=DAY, place="学校"
    )


RECORDS = [
    _opinion,
    _talk,
    _analysis,
    _meeting,
    _round,
    _item,
    _group,
    _duty,
    _problem,
    _profile,
    _training,
    _post,
    _material,
    _note,
    _five_one,
    _visit,
]


def not_under_way(enrollment) -> bool:
    report = compliance.evaluate_unit(enrollment, today=STARTED)
    (started,) = [v for v in report.verdicts if v.code == "plan.started"]
    return bool(started.findings)


@pytest.fixture
def started(enrollments, personas):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    return enrollment


def test_a_unit_with_nothing_recorded_is_not_under_way(started):
    assert not_under_way(started)


@pytest.mark.parametrize("record", RECORDS, ids=[r.__name__.strip("_") for r in RECORDS])
def test_one_record_in_any_module_is_enough(started, personas, record):
    bob = personas["bob"].member  # a member of A1, in unit A's subtree
    record(started, bob)
    assert not not_under_way(started)


def test_a_record_of_another_unit_does_not_count(started, enrollments, personas):
    b = enrollments["B"]
    services.save_phase_plan(b, PLAN, acting=None)
    _problem(b, None)
    _talk(b, personas["bob"].member.__class__.objects.get(code="B-001"))
    assert not_under_way(started) and not not_under_way(b)
