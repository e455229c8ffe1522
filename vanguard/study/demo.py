"""Demo data of the study module, loaded by `manage.py load_demo` after the campaign exists.

Every planned unit holds about sixteen sessions in its study phase (the first a 动员大会),
takes their roll and keeps its 两本一册; members do their 五个一; the bureau leaders log
三进 visits; the office runs a 党章知识竞赛 for the first batch. A few units fall short
so the verdicts show red and amber: 装备中心 planned too short a phase (members short of
hours), 开发公司 kept no study log, 教研中心 held a session outside its study phase,
实验中学 left a session without roll-call, 海洋职业学校's leader cadres wrote no notes.
Deterministic for a given `rng`.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history

from vanguard.accounts.models import RoleGrant, User
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization
from vanguard.study import quiz as quizzes
from vanguard.study.hours import enrolled_members, refresh_member_hours
from vanguard.study.models import (
    Attendance,
    AttendanceStatus,
    FiveOneRecord,
    LeaderVisit,
    Lecture,
    Lecturer,
    OnlineMaterial,
    Quiz,
    QuizAttempt,
    SessionLog,
    StudyNote,
    StudySession,
    UnitMaterial,
    Writing,
)
from vanguard.study.online import online_study_on
from vanguard.study.services import study_window
from vanguard.study.writings import writings_on

TOPICS = [
    "学习《保持共产党员先进性教育读本》",
    "学习党的十六大报告",
    "学习《中国共产党章程》总纲",
    "学习胡锦涛同志的专题报告",
    "学习《江泽民论加强和改进执政党建设》",
    "党员先进性标准大讨论",
    "师德师风建设专题辅导",
    "廉洁从教与党风廉政建设",
    "办人民满意教育专题讲座",
    "优秀共产党员先进事迹报告",
    "“三个代表”重要思想辅导",
    "学习党章中党员的义务和权利",
    "科学发展观与教育改革",
    "机关效能建设专题学习",
    "学习交流会：我身边的优秀党员",
]
SPEAKERS = ["局党委书记", "党校教师", "讲师团成员", "支部书记", "市委宣讲团成员"]
PLACES = ["党员活动室", "会议室", "多功能厅", "报告厅"]
LEAVE_REASONS = ["出差", "病假", "外出培训", "家中有事", "带学生外出比赛"]
AUXILIARY = [
    ("《党员教师师德规范》学习辅导", "市教育局党委"),
    ("先进性教育活动学习资料汇编", "局先进性教育活动领导小组办公室"),
    ("本单位优秀党员事迹材料", "本单位党组织"),
]
# The partner of a 五个一 item that needs one, by the item: 结对 a student, teacher or
# neighbour in difficulty; 帮带 an activist or a young teacher.
PARTNERS = {
    "pair_with_needy": ["初二（3）班困难学生", "社区困难群众", "困难教师家庭"],
    "mentor": ["青年教师", "入党积极分子"],
}
OTHER_PARTNERS = ["青年教师", "社区困难群众"]
NOTE_TITLES = ["学习体会", "读书笔记", "专题学习心得", "学习党章的体会"]
QUESTIONS = [
    (
        "单选",
        "中国共产党的最高领导机关是？",
        ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会"],
        "A",
    ),
    ("单选", "预备党员的预备期为多长时间？", ["半年", "一年", "两年", "三年"], "B"),
    ("单选", "党的全国代表大会每几年举行一次？", ["三年", "四年", "五年", "十年"], "C"),
    (
        "单选",
        "党员无正当理由连续多长时间不参加党的组织生活，就被认为是自行脱党？",
        ["三个月", "六个月", "九个月", "十二个月"],
        "B",
    ),
    ("单选", "申请入党的人，要有几名正式党员作介绍人？", ["一名", "两名", "三名", "四名"], "B"),
    (
        "单选",
        "年满多少岁的先进分子可以申请加入中国共产党？",
        ["十六岁", "十八岁", "二十岁", "二十二岁"],
        "B",
    ),
    (
        "单选",
        "有正式党员几人以上的基层单位，都应当成立党的基层组织？",
        ["三人", "五人", "七人", "十人"],
        "A",
    ),
    ("单选", "党的纪律处分有几种？", ["三种", "四种", "五种", "六种"], "C"),
    ("单选", "留党察看最长不超过多长时间？", ["一年", "两年", "三年", "五年"], "B"),
    (
        "单选",
        "党的根本组织原则是？",
        ["民主集中制", "集体领导", "个人分工负责", "少数服从多数"],
        "A",
    ),
    (
        "单选",
        "党徽党旗是中国共产党的什么？",
        ["象征和标志", "精神和灵魂", "旗帜和方向", "宗旨和目标"],
        "A",
    ),
    (
        "单选",
        "党的最高理想和最终目标是？",
        ["实现共产主义", "全面建设小康社会", "实现现代化", "消灭剥削"],
        "A",
    ),
    ("单选", "党的地方各级代表大会每几年举行一次？", ["三年", "四年", "五年", "六年"], "C"),
    (
        "多选",
        "党的纪律处分包括哪些？",
        ["警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍", "罚款"],
        "ABCDE",
    ),
    (
        "多选",
        "党员享有的权利包括？",
        [
            "参加党的有关会议",
            "在党的会议上参加讨论",
            "行使表决权、选举权，有被选举权",
            "不受纪律约束",
        ],
        "ABC",
    ),
    (
        "多选",
        "党的建设必须坚决实现的基本要求有？",
        [
            "坚持党的基本路线",
            "坚持解放思想、实事求是、与时俱进",
            "坚持全心全意为人民服务",
            "坚持民主集中制",
        ],
        "ABCD",
    ),
    (
        "多选",
        "党的优良作风包括？",
        ["理论联系实际", "密切联系群众", "批评和自我批评", "独断专行"],
        "ABC",
    ),
    (
        "多选",
        "党的基层组织包括？",
        ["基层委员会", "总支部委员会", "支部委员会", "中央委员会"],
        "ABC",
    ),
    (
        "多选",
        "“三个代表”重要思想指中国共产党要始终代表？",
        [
            "中国先进生产力的发展要求",
            "中国先进文化的前进方向",
            "中国最广大人民的根本利益",
            "少数人的利益",
        ],
        "ABC",
    ),
    (
        "单选",
        "党员义务的第一条是？",
        [
            "认真学习马克思列宁主义、毛泽东思想、邓小平理论和“三个代表”重要思想",
            "贯彻执行党的基本路线",
            "坚持党和人民的利益高于一切",
            "自觉遵守党的纪律",
        ],
        "A",
    ),
]

SHORT_PHASE = "ZBZX"  # planned a 25-day study phase: fewer sessions, members short
NO_LOG = "KFGS"
OUTSIDE = "JYZX"
NO_ROLL = "S03"
NO_NOTES = "S05"
SLOPPY = "JG2"  # a few records missing, a few 五个一 not done


def load_demo(campaign: Campaign, rng: random.Random) -> None:
    enrollments = list(
        campaign.enrollments.select_related("organization", "batch").prefetch_related("phases")
    )
    admins = _unit_admins()
    office = User.objects.filter(username="guojianmin").first()
    for enrollment in enrollments:
        window = study_window(enrollment)
        if window is None:
            continue  # not planned: the dashboard already shows it
        code = enrollment.organization.code
        taker = admins.get(enrollment.organization_id, office)
        materials = _materials(rng, enrollment, taker)
        sessions = _sessions(rng, enrollment, window, materials, taker)
        members = list(Member.objects.within(enrollment.organization))
        _attendance(rng, sessions, members, skip_last=code == NO_ROLL)
        if code != NO_LOG:
            _logs(rng, sessions, taker, missing=2 if code == SLOPPY else 0)
        if code != NO_NOTES:
            _notes(rng, campaign, members, sessions)
        _five_ones(rng, campaign, members, window.ends_on, 0.9 if code == SLOPPY else 1)
    _visits(rng, campaign, enrollments)
    _quiz(rng, campaign, office)
    _carriers(campaign, enrollments, office)
    # The marks above went in bulk, past the signals that keep the stored sums current.
    refresh_member_hours(campaign.pk)


def _unit_admins() -> dict[int, User]:
    grants = RoleGrant.objects.filter(role="unit_admin").select_related("user")
    return {grant.organization_id: grant.user for grant in grants}


def _materials(rng, enrollment: Enrollment, user) -> list[UnitMaterial]:
    chosen = rng.sample(AUXILIARY, rng.randint(1, 2))
    return bulk_create_with_history(
        [
            UnitMaterial(enrollment=enrollment, title=title, source=source, added_by=user)
            for title, source in chosen
        ],
        UnitMaterial,
    )


def _sessions(rng, enrollment, window, materials, user) -> list[StudySession]:
    org = enrollment.organization
    rules = enrollment.campaign.rules
    mobilization = next(k.code for k in rules.session_kinds if k.counts_for_step)
    kinds = [k.code for k in rules.session_kinds if not k.counts_for_step]
    readings = [m.code for m in rules.materials if m.kind != "auxiliary"]
    branches = list(Organization.objects.get_children(org))
    days = (window.ends_on - window.starts_on).days
    count = 17 if org.code != SHORT_PHASE else 10
    step = max(days // count, 1)
    plan = [(index, org) for index in range(count)]
    plan += [(count + i, branch) for branch in branches for i in range(2)]  # branch meetings
    sessions = []
    for index, held_by in plan:
        slot = index if index < count else 2 + 5 * (index - count) % (count - 2)
        offset = slot * step + rng.randint(0, max(step - 1, 0))
        day = min(window.starts_on + timedelta(days=offset), window.ends_on)
        kind = mobilization if index == 0 else rng.choice(kinds[:5])
        hours = Decimal("2.0") if index == 0 else rng.choice([Decimal("2.5"), Decimal("3.0")])
        start = rng.choice([time(8, 30), time(14, 0), time(15, 0)])
        sessions.append(
            StudySession(
                enrollment=enrollment,
                organization=held_by,
                kind=kind,
                topic="先进性教育活动动员大会" if index == 0 else rng.choice(TOPICS),
                speaker=rng.choice(SPEAKERS),
                host="支部书记",
                place=rng.choice(PLACES),
                date=day,
                starts_at=start,
                ends_at=(datetime.combine(day, start) + timedelta(hours=float(hours))).time(),
                hours=hours,
                template_materials=[rng.choice(readings)],
                roll_taken_by=user,
                roll_taken_at=timezone.make_aware(datetime.combine(day, time(18, 0))),
                created_by=user,
            )
        )
    if org.code == OUTSIDE:  # one session after the study phase: allowed, flagged
        extra = sessions[-1]
        sessions.append(
            StudySession(
                **{
                    f.attname: getattr(extra, f.attname)
                    for f in StudySession._meta.concrete_fields
                    if f.attname not in ("id", "date", "topic", "checkin_code")
                },
                date=window.ends_on + timedelta(days=5),
                topic="补充学习：党章知识辅导",
            )
        )
    created = bulk_create_with_history(sessions, StudySession)
    through = StudySession.unit_materials.through
    through.objects.bulk_create(
        [
            through(studysession_id=s.pk, unitmaterial_id=rng.choice(materials).pk)
            for s in created
            if materials and rng.random() < 0.3
        ]
    )
    return created


def _attendance(rng, sessions, members, *, skip_last: bool) -> None:
    rows = []
    taken = sessions[:-1] if skip_last else sessions
    for session in taken:
        for member in members:
            if not member.organization.is_in_subtree_of(session.organization):
                continue
            draw = rng.random()
            if draw < 0.95:
                status, reason = AttendanceStatus.PRESENT, ""
            elif draw < 0.97:
                status, reason = AttendanceStatus.LATE, ""
            elif draw < 0.99:
                status, reason = AttendanceStatus.LEAVE, rng.choice(LEAVE_REASONS)
            else:
                status, reason = AttendanceStatus.ABSENT, ""
            rows.append(Attendance(session=session, member=member, status=status, reason=reason))
    Attendance.objects.bulk_create(rows, batch_size=500)
    if skip_last:
        StudySession.objects.filter(pk=sessions[-1].pk).update(
            roll_taken_by=None, roll_taken_at=None
        )


def _logs(rng, sessions, user, *, missing: int) -> None:
    skipped = set(rng.sample(range(1, len(sessions)), missing))
    logs = [
        SessionLog(
            session=s,
            content=(
                f"{s.host}主持，{s.speaker}主讲“{s.topic}”。与会党员结合岗位实际交流了学习体会，"
                "对照党员先进性标准查找差距，提出了改进工作的具体打算。"
            ),
            summary="学习认真，讨论热烈，达到了预期目的。下一步要把学习成果落实到本职工作中。",
            recorder="组织委员",
            written_by=user,
        )
        for index, s in enumerate(sessions)
        if index not in skipped
    ]
    bulk_create_with_history(logs, SessionLog)


def _notes(rng, campaign, members, sessions) -> None:
    notes = []
    for member in members:
        if not member.is_leader_cadre:
            continue
        for session in rng.sample(sessions, min(3, len(sessions))):
            notes.append(
                StudyNote(
                    campaign=campaign,
                    member=member,
                    written_on=session.date,
                    title=f"{rng.choice(NOTE_TITLES)}：{session.topic}",
                    session=session,
                    content=(
                        f"通过学习“{session.topic}”，进一步加深了对保持共产党员先进性重要意义的认识。"
                        "作为党员领导干部，要带头学习、带头查找问题、带头整改，"
                        "把学习成果转化为办好人民满意教育的实际行动。"
                    ),
                )
            )
    bulk_create_with_history(notes, StudyNote)


def _five_ones(rng, campaign, members, by, done: float) -> None:
    records = []
    for member in members:
        for item in campaign.rules.five_ones:
            if rng.random() < done:
                records.append(
                    FiveOneRecord(
                        campaign=campaign,
                        member=member,
                        item=item.code,
                        done_on=by - timedelta(days=rng.randint(0, 30)),
                        partner=(
                            rng.choice(PARTNERS.get(item.code, OTHER_PARTNERS))
                            if item.needs_partner
                            else ""
                        ),
                    )
                )
    bulk_create_with_history(records, FiveOneRecord, batch_size=500)


def _visits(rng, campaign, enrollments) -> None:
    leaders = Member.objects.filter(user__grants__role="leader").distinct()
    schools = [e for e in enrollments if e.organization.category == "school"]
    visits = []
    for leader in leaders:
        for _ in range(rng.randint(3, 5)):
            kind = rng.choice(campaign.rules.leader_visit_kinds)
            unit = rng.choice(schools) if schools else None
            day = campaign.starts_on + timedelta(days=rng.randint(20, 330))
            place = {
                "school": unit.organization.name if unit else "直属学校",
                "community": rng.choice(["城关社区", "东港社区", "渔农村新社区"]),
                "home": rng.choice(["青年教师家中", "学生家长家中", "困难教师家中"]),
            }.get(kind.code, "")
            visits.append(
                LeaderVisit(
                    campaign=campaign,
                    member=leader,
                    kind=kind.code,
                    activity=rng.choice(kind.activities) if kind.activities else "",
                    visited_on=day,
                    place=place,
                    organization=unit.organization if unit and kind.code == "school" else None,
                    notes="了解师生思想和工作情况，听取对先进性教育活动的意见和建议。",
                )
            )
    bulk_create_with_history(visits, LeaderVisit)


def _quiz(rng, campaign, office) -> None:
    batch = campaign.batches.order_by("number").first()
    opens = timezone.make_aware(datetime.combine(batch.starts_on + timedelta(days=40), time(8)))
    quiz = Quiz.objects.create(
        campaign=campaign,
        organization=campaign.organization,
        title="党章知识竞赛（第一批）",
        opens_at=opens,
        closes_at=opens + timedelta(days=14),
        time_limit_minutes=20,
        created_by=office,
    )
    quizzes.import_questions(quiz, _question_workbook())
    questions = list(quiz.questions.all())
    full = sum((q.points for q in questions), Decimal(0))
    members = enrolled_members(batch.enrollments.select_related("organization"))
    attempts = []
    for member in members:
        if rng.random() > 0.7:
            continue
        skill = rng.uniform(0.6, 0.97)
        answers = {
            str(q.pk): q.answer if rng.random() < skill else rng.choice("ABCD") for q in questions
        }
        started = opens + timedelta(days=rng.randint(0, 12), minutes=rng.randint(0, 600))
        attempts.append(
            QuizAttempt(
                quiz=quiz,
                member=member,
                started_at=started,
                deadline=started + timedelta(minutes=quiz.time_limit_minutes),
                submitted_at=started + timedelta(minutes=rng.randint(6, 19)),
                answers=answers,
                score=quizzes.score(questions, answers),
                max_score=full,
            )
        )
    bulk_create_with_history(attempts, QuizAttempt)


def _question_workbook() -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = quizzes.SHEET
    sheet.append(quizzes.HEADERS)
    for kind, text, options, answer in QUESTIONS:
        padded = options + [""] * (len(quizzes.OPTIONS) - len(options))
        sheet.append([kind, text, *padded, answer, 5, ""])
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)
    return file


def _carriers(campaign: Campaign, enrollments, office) -> None:
    """网络党校 materials, writings and the 讲师团 (issue 20); no use of the rng, so the
    other loaders' data stay as they were."""
    if online_study_on(campaign):
        for title, minutes in (("《保持共产党员先进性教育读本》导读", 30), ("党章学习辅导", 20)):
            OnlineMaterial.objects.create(
                campaign=campaign,
                title=title,
                kind="document",
                text="（网络党校学习材料正文）",
                minutes=minutes,
                added_by=office,
            )
    planned = [e for e in enrollments if study_window(e) is not None]
    if writings_on(campaign) and planned:
        for enrollment in planned[:2]:
            author = Member.objects.within(enrollment.organization).first()
            window = study_window(enrollment)
            if author is None or window is None:
                continue
            start = window.starts_on
            Writing.objects.create(
                campaign=campaign,
                enrollment=enrollment,
                member=author,
                kind="experience",
                title=f"{enrollment.organization.name}党员学习体会",
                body="通过集中学习，进一步认识到保持共产党员先进性的重要意义。",
                status="published",
                submitted_at=datetime.combine(start, time(9), tzinfo=UTC),
                recommended_at=datetime.combine(start, time(10), tzinfo=UTC),
                published_at=datetime.combine(start, time(11), tzinfo=UTC),
            )
    if campaign.rules.lecture_kinds:
        lecturer = Lecturer.objects.create(
            campaign=campaign,
            name="王建国",
            affiliation="市委党校 教授",
            topics="党章辅导；保持共产党员先进性",
        )
        session = StudySession.objects.filter(
            enrollment__in=planned, kind__in=[k.code for k in campaign.rules.lecture_kinds]
        ).first()
        if session is not None:
            Lecture.objects.create(
                lecturer=lecturer,
                enrollment=session.enrollment,
                kind=session.kind,
                topic=session.topic,
                given_on=session.date,
                session=session,
            )
