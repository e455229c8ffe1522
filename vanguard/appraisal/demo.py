"""Demo data of 分析评议, loaded by `manage.py load_demo` after the campaign exists.

Every planned unit gets opinions through the template's channels (some from the public
site, some anonymous), talks, self-analyses, a special meeting and, in most units, a
democratic appraisal with ballots, conclusions and a published notice. A few units show
problems, so the dashboard has red and amber to show:

- 市教研中心 and 市实验中学 leave opinions unanswered past their deadline;
- 市教育开发公司 has not told its members the opinions about them, and held no appraisal;
- 市教育装备中心 has members nobody talked with and an appraisal without all conclusions;
- 市第二中学 has members without a talk or a self-analysis;
- 市教育考试中心's appraisal is open now: the `member` login can vote in it.

Deterministic (the loader's `rng`), and fast: rows are bulk-created.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from vanguard.accounts.models import RoleGrant, User
from vanguard.appraisal import rules, services
from vanguard.appraisal.models import (
    AnalysisStatus,
    AppraisalConclusion,
    AppraisalRound,
    Candidate,
    CriticismItem,
    CriticismKind,
    OrgLifeMeeting,
    SelfAnalysis,
    Subject,
    Talk,
)
from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Member

OVERDUE = {"JYZX": 2, "S03": 1}  # opinions left unanswered past the deadline
NOT_FED_BACK = {"KFGS"}
NO_ROUND = {"KFGS", "S04"}
TALK_GAPS = {"ZBZX": 3, "S02": 4}
ANALYSIS_GAPS = {"S02": 3, "ZBZX": 1}
UNCONCLUDED = {"ZBZX"}  # round closed, conclusions unfinished
UNPUBLISHED = {"S03"}  # concluded, notice not out
OPEN_NOW = "KSZX"

MEMBER_OPINIONS = [
    "上课时经常接打电话，影响课堂纪律，希望注意。",
    "对待学生家长态度生硬，家长反映沟通困难。",
    "工作认真负责，经常主动加班，值得大家学习。",
    "参加集体学习时常迟到早退，学习笔记记得不认真。",
    "在职称评审中能坚持原则，群众比较认可。",
    "有时在办公室议论与工作无关的事情，希望改进作风。",
    "对青年教师帮带热情，但批改作业不够及时。",
    "群众反映其办事拖拉，材料报送多次超过时限。",
]
UNIT_OPINIONS = [
    "办事窗口午休期间无人值守，群众办事不方便。",
    "希望公开收费项目和标准，接受群众监督。",
    "学校食堂饭菜价格偏高，希望加强管理。",
    "考试报名系统经常卡顿，高峰期无法登录。",
    "希望增加家长开放日，让家长更多了解学校工作。",
    "单位会议过多，希望精简会议、提高效率。",
]
BUREAU_OPINIONS = [
    "希望教育局进一步推进城乡教育均衡发展，加大对渔农村学校的投入。",
    "建议教育局网站及时公开招生政策，减少家长跑腿。",
    "希望减少对学校的各类检查评比，让教师安心教学。",
]
ANSWERS = [
    "经核实，情况基本属实，已对当事人进行批评教育，并制定了整改措施。",
    "感谢您的意见，我们已召开专题会议研究，将在整改阶段落实。",
    "经调查，情况与反映有出入，已向反映人说明情况。",
    "已责成相关科室限期整改，整改情况将在网上公布。",
]
TALK_TOPICS = ["思想工作情况", "查找存在的问题", "对支部工作的意见建议", "师德师风", "廉洁自律"]
SELF_ANALYSIS = (
    "对照党章规定的党员标准和“三个代表”重要思想的要求，我认真查找了自身存在的问题："
    "一是理论学习不够系统深入；二是服务群众意识有待增强；三是工作作风不够扎实。"
    "剖析思想根源，主要是党性修养不够、宗旨观念淡化。今后我将加强学习、改进作风，"
    "在本职岗位上发挥先锋模范作用。"
)
SELF_CRITICISMS = [
    "理论学习不够深入，存在以干代学的现象。",
    "联系群众不够紧密，听取意见不够主动。",
    "工作中有畏难情绪，开拓创新精神不足。",
    "对自己要求不够严格，有时满足于完成任务。",
]
CRITICISMS = [
    "希望在工作中多与同事沟通，注意工作方法。",
    "建议多深入一线，多听取青年教师的意见。",
    "有时对学生过于严厉，建议多一些耐心。",
]
PROBLEMS = [
    "理论学习的系统性不够。",
    "联系群众不够紧密。",
    "工作作风有待进一步改进。",
    "创新意识不强。",
    "",
]
GRADE_WEIGHTS = {"excellent": 30, "qualified": 60, "basically_qualified": 8, "unqualified": 2}


def load_demo(campaign: Campaign, rng: random.Random) -> None:
    enrollments = list(
        campaign.enrollments.select_related("organization", "batch").prefetch_related("phases")
    )
    office = User.objects.filter(username="guojianmin").first()
    admins = {
        g.organization_id: g.user
        for g in RoleGrant.objects.filter(role="unit_admin").select_related("user")
    }
    _bureau_opinions(rng, campaign, office)
    for enrollment in enrollments:
        if not any(w.phase_code == rules.ANALYSIS_PHASE for w in enrollment.phases.all()):
            continue  # not planned: the dashboard shows it failing already
        start, end = rules.analysis_window(enrollment)
        code = enrollment.organization.code
        members = list(
            Member.objects.within(enrollment.organization)
            .select_related("organization")
            .order_by("code")
        )
        if not members:
            continue
        user = admins.get(enrollment.organization_id, office)
        _opinions(rng, enrollment, members, start, end, user)
        _talks(rng, enrollment, members, start, end, user)
        _self_analyses(rng, campaign, members, start, end, user, ANALYSIS_GAPS.get(code, 0))
        _meeting(rng, enrollment, members, end, user)
        if code not in NO_ROUND:
            _round(rng, enrollment, members, end, user)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _bureau_opinions(rng: random.Random, campaign: Campaign, office) -> None:
    start = campaign.starts_on + timedelta(days=40)
    for index, text in enumerate(BUREAU_OPINIONS):
        received = services.receive_opinion(
            campaign,
            channel="online" if index else "conduct_hotline",
            subject=Subject.BUREAU,
            content=text,
            anonymous=index != 1,
            author_name="" if index != 1 else "王先生",
            author_contact="" if index != 1 else "138****5678",
            entered_by=None if index else office,
            received_on=start + timedelta(days=7 * index),
            acting=None,
        )
        _settle(rng, received.opinion, office)


def _opinions(rng, enrollment, members, start, end, user) -> None:
    code = enrollment.organization.code
    channels = [c.code for c in enrollment.campaign.rules.opinion_channels]
    overdue = OVERDUE.get(code, 0)
    count = rng.randint(3, 5) + overdue
    for index in range(count):
        about_member = index % 3 != 2
        public = rng.random() < 0.3
        received = services.receive_opinion(
            enrollment.campaign,
            channel="online" if public else rng.choice(channels[:-1]),
            subject=Subject.MEMBER if about_member else Subject.UNIT,
            member=rng.choice(members) if about_member else None,
            unit=None if about_member else enrollment.organization,
            content=rng.choice(MEMBER_OPINIONS if about_member else UNIT_OPINIONS),
            anonymous=rng.random() < 0.7,
            author_name="热心群众",
            entered_by=None if public else user,
            received_on=_day(rng, start, end - timedelta(days=5)),
            acting=None,
        )
        opinion = received.opinion
        if index < overdue:
            continue  # left open: past its deadline by now
        _settle(rng, opinion, user, feed_back=code not in NOT_FED_BACK)


def _settle(rng, opinion, user, *, feed_back: bool = True) -> None:
    """Answer (mostly in time), feed back to the member, close."""
    late = rng.random() < 0.15
    answered_on = (
        opinion.due_on + timedelta(days=3)
        if late
        else opinion.due_on - timedelta(days=rng.randint(1, 12))
    )
    answered_on = max(answered_on, opinion.received_on)
    services.answer_opinion(
        opinion, text=rng.choice(ANSWERS), user=user, today=answered_on, acting=None
    )
    if opinion.member_id and feed_back:
        services.record_feedback(opinion, on=answered_on, acting=None)
    if rng.random() < 0.8:
        services.close_opinion(opinion, today=answered_on + timedelta(days=2), acting=None)


def _talks(rng, enrollment, members, start, end, user) -> None:
    gaps = TALK_GAPS.get(enrollment.organization.code, 0)
    covered = members[: len(members) - gaps]
    secretary = covered[0]
    talks = [
        Talk(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            talked_on=_day(rng, start, end),
            initiator=secretary,
            partner=member,
            topic=rng.choice(TALK_TOPICS),
            summary="谈话双方坦诚交流，互相指出了存在的不足，提出了改进意见。",
            recorded_by=user,
        )
        for member in covered[1:]
    ]
    Talk.objects.bulk_create(talks)


def _self_analyses(rng, campaign, members, start, end, user, gaps) -> None:
    rows = []
    for index, member in enumerate(members):
        if index >= len(members) - gaps:
            continue  # not written
        submitted = _day(rng, start, end)
        if member.user_id and member.user.username == "member":
            status = AnalysisStatus.RETURNED
        elif index % 9 == 4:
            status = AnalysisStatus.SUBMITTED
        else:
            status = AnalysisStatus.ACCEPTED
        reviewed = status in (AnalysisStatus.ACCEPTED, AnalysisStatus.RETURNED)
        rows.append(
            SelfAnalysis(
                campaign=campaign,
                member=member,
                text=SELF_ANALYSIS,
                status=status,
                submitted_on=submitted,
                reviewed_on=submitted + timedelta(days=2) if reviewed else None,
                reviewed_by=user if reviewed else None,
                comments="剖析不够深刻，请结合本职工作查找具体问题，补充整改打算。"
                if status == AnalysisStatus.RETURNED
                else "",
            )
        )
    SelfAnalysis.objects.bulk_create(rows)


def _meeting(rng, enrollment, members, end, user) -> None:
    if enrollment.organization.code in NO_ROUND:
        return
    meeting = OrgLifeMeeting.objects.create(
        campaign=enrollment.campaign,
        enrollment=enrollment,
        organization=enrollment.organization,
        held_on=end - timedelta(days=rng.randint(3, 8)),
        place="单位会议室",
        host=members[0].name,
        minutes="会议围绕查找问题、剖析根源开展批评与自我批评。每位党员逐一发言，"
        "开展自我批评，同志之间互相提出批评意见。与会同志态度诚恳，达到了预期目的。",
        recorded_by=user,
    )
    absent = set(rng.sample(range(len(members)), k=min(2, len(members) // 8)))
    attendees = [m for i, m in enumerate(members) if i not in absent]
    through = OrgLifeMeeting.attendees.through
    through.objects.bulk_create([through(orglifemeeting=meeting, member=m) for m in attendees])
    items = [
        CriticismItem(
            meeting=meeting,
            member=member,
            kind=CriticismKind.SELF,
            content=rng.choice(SELF_CRITICISMS),
        )
        for member in attendees
    ]
    for member in rng.sample(attendees, k=min(3, len(attendees) - 1)):
        critic = rng.choice([m for m in attendees if m.pk != member.pk])
        items.append(
            CriticismItem(
                meeting=meeting,
                member=member,
                kind=CriticismKind.CRITICISM,
                content=rng.choice(CRITICISMS),
                raised_by=critic,
            )
        )
    CriticismItem.objects.bulk_create(items)


def _round(rng, enrollment, members, end, user) -> None:
    code = enrollment.organization.code
    if code == OPEN_NOW:
        opens_at = timezone.now() - timedelta(days=1)
        closes_at = timezone.now() + timedelta(days=14)
    else:
        day = end - timedelta(days=rng.randint(2, 6))
        opens_at = timezone.make_aware(datetime.combine(day - timedelta(days=3), time(8)))
        closes_at = timezone.make_aware(datetime.combine(day, time(17)))
    appraisal_round = AppraisalRound.objects.create(
        campaign=enrollment.campaign,
        enrollment=enrollment,
        organization=enrollment.organization,
        title=f"{enrollment.organization.name}2024年度民主评议党员",
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=user,
    )
    Candidate.objects.bulk_create([Candidate(round=appraisal_round, member=m) for m in members])
    bias = {m.pk: rng.random() for m in members}
    voters = [m for m in members if not (m.user_id and m.user.username == "member")]
    share = 0.5 if code == OPEN_NOW else rng.uniform(0.85, 1.0)
    voters = rng.sample(voters, k=max(1, round(len(voters) * share)))
    teller_names = [m.name for m in rng.sample(members, k=min(3, len(members)))]
    if len(teller_names) < 2:
        teller_names.append("群众代表")
    slips = services.appoint_tellers(appraisal_round, teller_names, now=opens_at, acting=None)
    vote_at = timezone.now() if code == OPEN_NOW else opens_at + timedelta(hours=1)
    _ballots(rng, appraisal_round, members, voters, bias, vote_at)
    if code == OPEN_NOW:
        services.issue_guest_codes(appraisal_round, 3, acting=None)
        # The demo's open round is counted by whoever tries the demo: its tellers' codes
        # are printed once, with the logins. (A real round prints them on slips.)
        sys.stdout.write(
            f"监票人密码（演示，{appraisal_round.title}）："
            + "；".join(f"{s.name} {s.grouped}" for s in slips)
            + "\n"
        )
        return
    services.seal_round(appraisal_round, now=closes_at)
    services.count_ballots(appraisal_round, [s.code for s in slips[:2]], now=closes_at, acting=None)
    _conclude(rng, appraisal_round, code, user, closes_at.date())


def _ballots(rng, appraisal_round, members, voters, bias, now) -> None:
    """Each voter casts a ballot through the service, as on the voting page."""
    codes_by_weight = list(GRADE_WEIGHTS)
    for voter in voters:
        grades = {}
        for member in members:
            weights = list(GRADE_WEIGHTS.values())
            weights[0] *= 0.3 + 1.4 * bias[member.pk]  # some members are seen as better
            grades[str(member.pk)] = rng.choices(codes_by_weight, weights=weights)[0]
        services.cast_ballot(appraisal_round, grades, member=voter, now=now, acting=None)


def _conclude(rng, appraisal_round, code, user, closed_on) -> None:
    result = services.tally(appraisal_round)
    concluded = result.members
    if code in UNCONCLUDED:
        concluded = concluded[: len(concluded) // 2]
    AppraisalConclusion.objects.bulk_create(
        [
            AppraisalConclusion(
                round=appraisal_round,
                member_id=t.member_id,
                grade=t.leading or "qualified",
                problems=rng.choice(PROBLEMS),
                concluded_on=closed_on + timedelta(days=1),
                concluded_by=user,
            )
            for t in concluded
        ]
    )
    if code in UNCONCLUDED or code in UNPUBLISHED:
        return
    titles = {g.code: g.title for g in appraisal_round.campaign.rules.appraisal_grades}
    spread = "，".join(
        f"{titles[code]}{sum(1 for t in concluded if (t.leading or 'qualified') == code)}名"
        for code in titles
    )
    appraisal_round.notice = (
        f"根据{appraisal_round.campaign.title}的统一部署，{appraisal_round.organization.name}于"
        f"{timezone.localtime(appraisal_round.opens_at):%Y年%m月%d日}至"
        f"{timezone.localtime(appraisal_round.closes_at):%Y年%m月%d日}"
        f"开展了民主评议党员工作，共收回有效评议票{result.ballots}张。"
        f"党组织根据民主评议情况、征求到的群众意见和党员的一贯表现，对每名党员提出了评议意见："
        f"{spread}。对评议中指出的问题，党员本人将在整改提高阶段认真整改。特此通报。"
    )
    appraisal_round.published_on = closed_on + timedelta(days=2)
    appraisal_round.save(update_fields=["notice", "published_on"])
