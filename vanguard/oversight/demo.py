"""Demo data of leadership and supervision, loaded by `manage.py load_demo` after the
foundation's campaign: the notice's own leading group (钱军; 韩贤清, 刘嫔珺; 郭建民), the
units' groups, the leaders' liaison points, liaison officers per batch with their visits
and suggestions, news, commendations and two non-qualifying member cases.

A few problems are left for the dashboard: 装备中心 and 实验小学 have no leading group,
海洋职业学校's names no responsible head, 刘嫔珺 has no liaison-point department, 投资公司
and 特殊教育学校 got no liaison officer, and some suggestions are unanswered.

The demo campaign ran in 2024, so every dispatch's access ended with its batch — except
the `liaison` login's: its two grants (考试中心, 教研中心) are left open-ended on purpose,
so that the demo login still shows an officer's pages today. Every other officer's
access has ended, as it would in reality.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.apps import apps
from django.db import transaction

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization
from vanguard.oversight import duties, services
from vanguard.oversight.models import (
    ArticleKind,
    GroupMembership,
    GroupRole,
    LeadingGroup,
    Outcome,
    PointKind,
)

DEMO_PASSWORD = "xianfeng2024"
NO_GROUP = {"ZBZX", "S06"}
NO_HEAD = {"S05"}
# Demo officers: username, the bureau member (code prefix, index) whose login it becomes.
OFFICERS = [("liaison2", "JG2", 3), ("liaison3", "JG2", 4), ("liaison4", "JG1", 5)]
DISPATCH = {
    1: {"liaison": ["KSZX", "JYZX"], "liaison2": ["JG1", "JG2", "ZBZX"], "liaison3": ["KFGS"]},
    2: {"liaison3": ["S01", "S02", "S03"], "liaison4": ["S04", "S05", "S06", "S08"]},
}
CHECKS = [
    "学习动员阶段集中学习记录、“两本一册”建立情况",
    "动员大会召开情况及党员参学率",
    "征求意见情况、谈心谈话记录和党性分析材料",
    "专题组织生活会召开情况",
    "整改措施制订及公示情况",
]
FINDINGS = [
    "学习计划落实较好，集中学习时间有保证；个别党员学习笔记内容较少。",
    "动员大会组织有序，但部分党员请假未补学。",
    "征求意见渠道较多，但对群众意见的梳理归类不够细。",
    "党性分析材料普遍较实，个别材料查摆问题不具体。",
    "整改措施针对性较强，整改时限有待进一步明确。",
]
SUGGESTIONS = [
    "组织请假党员集中补学，并在点名册中注明补学情况。",
    "对征求到的意见逐条梳理，明确责任人和反馈时限。",
    "督促个别党员充实学习笔记，联系本职工作谈体会。",
    "整改措施应明确完成时限，并在校务公开栏公示。",
    "加强对青年教师党员的帮带，落实结对帮扶措施。",
    "专题组织生活会前要逐人谈心，确保批评与自我批评开展充分。",
]
ANSWERS = [
    "已于本周组织补学，并在点名册中逐一注明。",
    "已建立意见台账，明确责任人，7日内逐条反馈。",
    "支部已逐人提醒，学习笔记已检查补充。",
    "已明确各项整改时限，并在公开栏公示。",
]


def load_demo(campaign: Campaign, rng: random.Random) -> None:
    with transaction.atomic():
        units = {org.code: org for org in Organization.objects.all()}
        _leading_groups(campaign, units, rng)
        _liaison_points(campaign, units)
        _officers(campaign, units, rng)
        _publicity(campaign, units, rng)
        _dispositions(campaign, units)
        _leader_duties(campaign, units)


def _members(org: Organization) -> list[Member]:
    return list(Member.objects.filter(organization=org).order_by("code"))


# -- leading groups --------------------------------------------------------------------------


def _leading_groups(campaign, units, rng) -> None:
    root = campaign.organization
    bureau = LeadingGroup.objects.create(
        campaign=campaign,
        organization=root,
        name="市教育局保持共产党员先进性教育活动领导小组",
        established_on=date(2024, 1, 5),
    )
    people = {m.user.username: m for m in Member.objects.filter(user__isnull=False)}
    jg1, jg2 = _members(units["JG1"]), _members(units["JG2"])
    rows = [
        (people["qianjun"], GroupRole.LEADER, "局党委书记", True),
        (people["hanxianqing"], GroupRole.DEPUTY, "局党委副书记", False),
        (people["liupinjun"], GroupRole.DEPUTY, "局党委委员", False),
        (jg1[0], GroupRole.MEMBER, "局办公室主任", False),
        (jg1[1], GroupRole.MEMBER, "组织人事处处长", False),
        (jg2[0], GroupRole.MEMBER, "监察室主任", False),
        (jg2[1], GroupRole.MEMBER, "机关党委专职副书记", False),
        (people["guojianmin"], GroupRole.OFFICE_DIRECTOR, "领导小组办公室主任", False),
        (jg2[2], GroupRole.OFFICE_STAFF, "组织人事处干部", False),
    ]
    memberships = [
        GroupMembership(group=bureau, member=m, role=role, duty=duty, is_responsible=head)
        for m, role, duty, head in rows
    ]
    for enrollment in campaign.enrollments.select_related("organization", "batch"):
        org = enrollment.organization
        if org.code in NO_GROUP:
            continue
        group = LeadingGroup.objects.create(
            campaign=campaign,
            organization=org,
            name=f"{org.name}先进性教育活动领导小组",
            established_on=enrollment.batch.starts_on + timedelta(days=rng.randint(2, 12)),
        )
        people_here = list(Member.objects.within(org).order_by("code"))
        chosen = [people_here[0], people_here[1], *rng.sample(people_here[2:], 3)]
        roles = [
            (GroupRole.LEADER, "党组织书记"),
            (GroupRole.DEPUTY, "行政负责人"),
            (GroupRole.MEMBER, ""),
            (GroupRole.MEMBER, ""),
            (GroupRole.OFFICE_DIRECTOR, "党务干部"),
        ]
        memberships += [
            GroupMembership(
                group=group,
                member=member,
                role=role,
                duty=duty,
                is_responsible=role == GroupRole.LEADER and org.code not in NO_HEAD,
            )
            for member, (role, duty) in zip(chosen, roles, strict=True)
        ]
    GroupMembership.objects.bulk_create(memberships)


# -- liaison points --------------------------------------------------------------------------


def _liaison_points(campaign, units) -> None:
    leaders = {m.user.username: m for m in Member.objects.filter(user__isnull=False)}
    points = [
        ("qianjun", PointKind.UNIT, "S01"),
        ("qianjun", PointKind.DEPARTMENT, "JG1"),
        ("hanxianqing", PointKind.UNIT, "KSZX"),
        ("hanxianqing", PointKind.DEPARTMENT, "JG2"),
        ("liupinjun", PointKind.UNIT, "S03"),  # no department: the dashboard warns
    ]
    for username, kind, code in points:
        services.set_liaison_point(campaign, leaders[username], kind, units[code], acting=None)
    _visits_at_points(campaign, leaders, units, points)


def _visits_at_points(campaign, leaders, units, points) -> None:
    """Each leader went to their liaison-point unit (三进: 进学校), if the study module is in."""
    try:
        leader_visit = apps.get_model("study", "LeaderVisit")
    except LookupError:
        return
    visits = [
        leader_visit(
            campaign=campaign,
            member=leaders[username],
            kind="school",
            visited_on=campaign.starts_on + timedelta(days=200 + index * 7),
            place=units[code].name,
            organization=units[code],
            notes="到联系点听课、与教师谈心，了解先进性教育活动开展情况。",
        )
        for index, (username, kind, code) in enumerate(points)
        if kind == PointKind.UNIT
    ]
    leader_visit.objects.bulk_create(visits)


# -- liaison officers, visits, suggestions ---------------------------------------------------


def _officers(campaign, units, rng) -> None:
    office = User.objects.get(username="guojianmin")
    accounts = {"liaison": User.objects.get(username="liaison")}
    for username, code, index in OFFICERS:
        member = _members(units[code])[index]
        account = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, full_name=member.name
        )
        member.user = account
        member.save(update_fields=["user"])
        accounts[username] = account
    batches = {batch.number: batch for batch in campaign.batches.all()}
    answerers = {
        "KSZX": User.objects.filter(username="admin_kszx").first(),
        "S01": User.objects.filter(username="admin_s01").first(),
    }
    for number, plan in DISPATCH.items():
        batch = batches[number]
        for username, codes in plan.items():
            for code in codes:
                assignment = services.dispatch_officer(
                    batch,
                    accounts[username],
                    units[code],
                    by=office,
                    today=batch.starts_on - timedelta(days=3),
                    acting=None,
                )
                _visits(assignment, code, answerers.get(code), office, rng)
    # Keep the demo `liaison` login working today (see the module's docstring).
    RoleGrant.objects.filter(user=accounts["liaison"], role=Role.LIAISON).update(ends_on=None)


def _visits(assignment, code, answerer, office, rng) -> None:
    batch = assignment.batch
    for number in range(rng.choice([1, 2])):
        visited_on = batch.starts_on + timedelta(days=30 + 60 * number + rng.randint(0, 20))
        visit = services.record_visit(
            assignment,
            by=assignment.officer,
            visited_on=visited_on,
            checked=rng.choice(CHECKS),
            findings=rng.choice(FINDINGS),
            suggestions=rng.sample(SUGGESTIONS, rng.choice([1, 2])),
            today=visited_on,
            acting=None,
        )
        for index, suggestion in enumerate(visit.suggestions.order_by("pk")):
            _follow_up(suggestion, code, number, index, answerer, rng)


def _follow_up(suggestion, code, visit_number, index, answerer, rng) -> None:
    """Most suggestions are answered and accepted; a few are left for the dashboard."""
    first = visit_number == 0 and index == 0
    if code in {"KFGS", "S03"} and first:
        return  # never answered: overdue
    answered_on = suggestion.visit.visited_on + timedelta(days=rng.randint(3, 10))
    services.answer_suggestion(
        suggestion, by=answerer, answer=rng.choice(ANSWERS), today=answered_on, acting=None
    )
    if code in {"KSZX", "S01"} and first:
        return  # answered, awaiting the officer's acceptance
    if code == "JYZX" and first:
        services.return_suggestion(
            suggestion,
            by=suggestion.visit.assignment.officer,
            note="答复过于笼统，请说明补学的时间、人数和方式。",
            today=answered_on + timedelta(days=2),
            acting=None,
        )
        return
    services.accept_suggestion(
        suggestion,
        by=suggestion.visit.assignment.officer,
        today=answered_on + timedelta(days=rng.randint(1, 5)),
        acting=None,
    )


# -- publicity and commendation --------------------------------------------------------------


def _publicity(campaign, units, rng) -> None:
    office = User.objects.get(username="guojianmin")
    admin_kszx = User.objects.get(username="admin_kszx")
    admin_s01 = User.objects.get(username="admin_s01")
    s02_model = _members(units["S02"])[4]
    s05_model = _members(units["S05"])[3]
    articles = [
        (
            units["JYJ"],
            ArticleKind.NEWS,
            None,
            office,
            date(2024, 1, 10),
            "published",
            "局党委召开保持共产党员先进性教育活动动员大会",
            "1月8日，市教育局党委召开全局保持共产党员先进性教育活动动员大会。局党委书记钱军作动员讲话，"
            "要求各级党组织把学习实践“三个代表”重要思想贯穿始终，切实解决“不符合”“不适应”的问题。",
        ),
        (
            units["KSZX"],
            ArticleKind.NEWS,
            None,
            admin_kszx,
            date(2024, 2, 20),
            "published",
            "市教育考试中心扎实开展集中学习",
            "考试中心党支部建立“两本一册”，利用周五下午组织集中学习，党员参学率保持在95%以上。",
        ),
        (
            units["S01"],
            ArticleKind.NEWS,
            None,
            admin_s01,
            date(2024, 9, 12),
            "published",
            "市第一中学开展“党员先锋岗”创建活动",
            "第一中学党总支在教学一线设立党员先锋岗，党员教师结对后进学生和青年教师，带动全校教风学风建设。",
        ),
        (
            units["S02"],
            ArticleKind.DEEDS,
            s02_model,
            office,
            date(2024, 10, 18),
            "published",
            f"扎根讲台二十年——记市第二中学党员教师{s02_model.name}",
            f"{s02_model.name}同志从教二十年，坚持每周为学习困难学生义务辅导，"
            "所带班级多次被评为市先进班集体，是师德建设的标兵。",
        ),
        (
            units["JYZX"],
            ArticleKind.NEWS,
            None,
            None,
            date(2024, 4, 2),
            "submitted",
            "市教研中心举行党章知识竞赛",
            "教研中心党支部组织党章知识竞赛，全体党员参加，进一步增强了党员意识。",
        ),
        (
            units["S05"],
            ArticleKind.DEEDS,
            s05_model,
            None,
            date(2024, 11, 5),
            "draft",
            f"海岛渔村的“送教人”——{s05_model.name}",
            "（草稿）该同志多年坚持到渔农村开展送教培训……",
        ),
    ]
    for org, kind, member, author, on, status, title, body in articles:
        article = services.create_article(
            campaign,
            org,
            author=author,
            kind=kind,
            title=title,
            body=body,
            member=member,
            acting=None,
        )
        if status in {"submitted", "published"}:
            services.submit_article(article, acting=None)
        if status == "published":
            services.publish_article(article, by=office, today=on, acting=None)
    _commendations(campaign, units, office, admin_kszx, admin_s01)


def _commendations(campaign, units, office, admin_kszx, admin_s01) -> None:
    demo_member = Member.objects.get(user__username="member")
    published_on = date(2024, 12, 28)
    nominations = [
        (
            "outstanding_member",
            "KSZX",
            demo_member,
            None,
            admin_kszx,
            "published",
            "工作中任劳任怨，在全市考试组织工作中圆满完成任务，群众评价好。",
        ),
        (
            "outstanding_member",
            "S01",
            _members(units["S01-1"])[3],
            None,
            admin_s01,
            "published",
            "担任班主任十余年，关爱每一名学生，带领青年教师快速成长。",
        ),
        (
            "outstanding_member",
            "JYZX",
            _members(units["JYZX"])[5],
            None,
            None,
            "published",
            "潜心教学研究，主持的课题成果在全市推广。",
        ),
        (
            "advanced_organization",
            "KSZX",
            None,
            units["KSZX"],
            admin_kszx,
            "published",
            "支部学习教育扎实，整改措施落实到位，群众满意度高。",
        ),
        (
            "advanced_organization",
            "S02",
            None,
            units["S02"],
            None,
            "published",
            "创新“党员先锋岗”载体，师德师风建设成效明显。",
        ),
        (
            "outstanding_party_worker",
            "S01",
            _members(units["S01-2"])[0],
            None,
            admin_s01,
            "published",
            "精心组织先进性教育活动各阶段工作，“两本一册”规范完整。",
        ),
        (
            "party_vanguard",
            "S05",
            _members(units["S05"])[3],
            None,
            None,
            "published",
            "坚持送教下渔村，大力开展渔农民劳动力培训。",
        ),
        (
            "outstanding_member",
            "S03",
            _members(units["S03"])[6],
            None,
            None,
            "nominated",
            "教学成绩突出，积极参与社区共建活动。",
        ),
        (
            "advanced_organization",
            "S04",
            None,
            units["S04-2"],
            None,
            "approved",
            "教师党支部组织生活规范，整改成效明显。",
        ),
        (
            "party_vanguard",
            "JG2",
            _members(units["JG2"])[7],
            None,
            None,
            "rejected",
            "工作认真负责。",
        ),
    ]
    for kind, unit_code, member, org, by, status, citation in nominations:
        commendation = services.nominate(
            campaign,
            kind,
            unit=units[unit_code],
            citation=citation,
            by=by,
            member=member,
            organization=org,
            today=date(2024, 12, 10),
            acting=None,
        )
        if status == "rejected":
            services.review_nomination(
                commendation,
                approve=False,
                by=office,
                note="事迹材料过于简单，请补充具体事例。",
                today=date(2024, 12, 20),
                acting=None,
            )
        elif status in {"approved", "published"}:
            services.review_nomination(
                commendation, approve=True, by=office, today=date(2024, 12, 20), acting=None
            )
        if status == "published":
            services.publish_commendation(commendation, today=published_on, acting=None)


# -- non-qualifying members ------------------------------------------------------------------


def _dispositions(campaign, units) -> None:
    office = User.objects.get(username="guojianmin")
    admin_kszx = User.objects.get(username="admin_kszx")
    transformed = services.open_case(
        campaign,
        _members(units["KSZX"])[6],
        by=admin_kszx,
        opened_on=date(2024, 4, 10),
        reason="长期不参加组织生活，不按规定交纳党费，民主评议中多数党员评为“不合格”。",
        today=date(2024, 4, 10),
        acting=None,
    )
    for held_on, summary in [
        (date(2024, 4, 12), "指出存在的问题，学习党章中关于党员义务的规定，本人表示愿意改正。"),
        (date(2024, 4, 28), "回顾半月来参加组织生活情况，补交党费，明确改进要求。"),
    ]:
        services.record_talk(
            transformed,
            held_on=held_on,
            talked_by="支部书记",
            summary=summary,
            today=held_on,
            acting=None,
        )
    services.set_deadline(
        transformed,
        set_on=date(2024, 4, 28),
        improve_by=date(2024, 6, 15),
        today=date(2024, 4, 28),
        acting=None,
    )
    services.conclude_case(
        transformed,
        outcome=Outcome.TRANSFORMED,
        outcome_on=date(2024, 6, 20),
        note="按时参加组织生活，补交党费，经支部大会评议转化为合格党员。",
        today=date(2024, 6, 20),
        acting=None,
    )
    pending = services.open_case(
        campaign,
        _members(units["S01-1"])[8],
        by=office,
        opened_on=date(2024, 10, 15),
        reason="理想信念淡薄，多次无故缺席集中学习，群众反映师德方面存在问题。",
        today=date(2024, 10, 15),
        acting=None,
    )
    services.record_talk(
        pending,
        held_on=date(2024, 10, 18),
        talked_by="党总支书记",
        summary="指出问题，提出限期改正的要求。",
        today=date(2024, 10, 18),
        acting=None,
    )
    services.set_deadline(
        pending,
        set_on=date(2024, 10, 25),
        improve_by=date(2024, 12, 20),
        today=date(2024, 10, 25),
        acting=None,
    )


# -- 三.4 leaders' 三先 and 十个一 ---------------------------------------------------------


def _leader_duties(campaign, units) -> None:
    """The bureau leader 钱军 has recorded every item; 考试中心's first cadre all but the
    last, so the unit page shows the verdict once the phase has ended; the cadres of every
    other unit all of them, except 开发公司's (behind in everything)."""
    rules = campaign.rules
    if not rules.leader_duties:
        return
    leader = Member.objects.filter(user__username="qianjun").first()
    cadres = [m for m in _members(units["KSZX"]) if m.is_leader_cadre]
    plans = [(leader, rules.leader_duties, campaign.starts_on)]
    if cadres:
        plans.append((cadres[0], rules.leader_duties[:-1], campaign.starts_on))
    for enrollment in Enrollment.objects.filter(campaign=campaign).select_related(
        "organization", "batch"
    ):
        if enrollment.organization.code not in {"KSZX", "KFGS"}:
            plans += [
                (m, rules.leader_duties, enrollment.batch.starts_on)
                for m in Member.objects.within(enrollment.organization).order_by("code")
                if m.is_leader_cadre and m != leader
            ]
    for member, items, start in plans:
        if member is None:
            continue
        for index, duty in enumerate(items):
            duties.record_duty(
                campaign,
                member,
                duty.code,
                done_on=start + timedelta(days=20 + 7 * index),
                description=f"{duty.title}：带头学习，带头查找问题，带头开展批评与自我批评，带头整改。",
                acting=None,
            )
