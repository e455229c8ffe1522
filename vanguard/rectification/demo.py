"""Demo data of this module, loaded by `manage.py load_demo` after the campaign exists.

Each unit with a 整改提高 window gets its base organisation's items and some members' own
items, published during the window, with progress notes and an audit trail dated as the
work went; the bureau gets its own list. A few units go wrong on purpose so that the
verdicts show red and amber: 装备中心 publishes nothing, 开发公司 leaves owners and deadlines
out, 实验中学 lets items run overdue unexplained, 教研中心 has an item reopened by the
upper level, 考试中心 explains an overdue item. Also: public comments (shown and waiting),
practical deeds for rural schools, recurring activities, the 三培养 pipeline, pairings.

Deterministic for a given `rng`; bulk inserts throughout.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from vanguard.orgs.models import Member, OrgCategory
from vanguard.rectification.models import (
    Cultivation,
    Level,
    Mechanism,
    Occurrence,
    Pairing,
    PartnerKind,
    PracticalDeed,
    ProgressNote,
    PublicComment,
    RectificationItem,
    Rhythm,
    SourceKind,
    Status,
    new_public_id,
)

PHASE = "rectification"

UNIT_ITEMS = [
    (
        "党组织集体学习制度落实不够经常，学习内容与业务工作结合不紧",
        "修订支部学习制度，每月固定一次集体学习；学习记录纳入“两本一册”管理，季度检查通报",
    ),
    (
        "联系服务群众渠道不够畅通，群众反映的问题答复不及时",
        "设立意见箱和领导接待日，群众来信来电五个工作日内答复，登记销号",
    ),
    (
        "党员教育管理不够严格，部分党员参加组织生活不经常",
        "建立组织生活考勤通报制度，每季度通报一次，纳入党员年度评议",
    ),
    (
        "廉政风险防控措施不够健全，制度执行存在薄弱环节",
        "排查岗位廉政风险点，逐岗制定防控措施并公开承诺，年底开展专项检查",
    ),
]
OFFICE_ITEMS = [
    (
        "机关办事流程繁琐，窗口服务效率不高",
        "梳理办事流程，公开办事指南，推行首问负责、一次性告知和限时办结制度",
    ),
    (
        "深入基层调查研究不够，指导服务学校不到位",
        "机关干部每人联系一所学校，每月下校一次，解决实际问题并建立台账",
    ),
]
SCHOOL_ITEMS = [
    (
        "个别教师存在有偿家教现象，师德师风有待加强",
        "开展师德师风专项整治，全体教师签订师德承诺书，公布举报电话，查实一起处理一起",
    ),
    (
        "对后进学生关心帮助不够，教育方法简单",
        "实行党员教师结对帮扶后进学生制度，每名党员教师结对一至两名学生，每月谈心一次",
    ),
    (
        "学校收费项目公示不够规范，家长有意见",
        "严格执行收费公示制度，在校门口和校园网公示收费项目、标准和依据，接受家长监督",
    ),
    (
        "家校沟通不够，家长对学校工作了解不多",
        "每学期召开家长会两次，开展党员教师家访活动，设立校长信箱",
    ),
    (
        "青年教师培养机制不健全，骨干教师作用发挥不够",
        "实施“青蓝工程”师徒结对，党员骨干教师帮带青年教师，开展课堂教学展示",
    ),
]
MEMBER_ITEMS = [
    ("理论学习不够系统，学用结合不紧", "制定个人学习计划，每月撰写一篇学习体会，在支部交流"),
    ("工作作风不够扎实，服务意识有待增强", "主动深入一线听取意见，每月为群众办一件实事"),
    ("批评与自我批评开展不够，存在好人主义思想", "在组织生活会上认真开展批评与自我批评，主动谈心"),
    ("与群众沟通交流不够，听取意见的主动性不强", "每月与两名群众谈心，记录意见并及时反馈"),
    ("开拓创新意识不强，满足于完成日常工作", "结合岗位确定一项改进课题，年底形成成果"),
]
BUREAU_ITEMS = [
    (
        "机关效能建设有待加强，部分处室办事效率不高",
        "实施机关效能建设“三项制度”，开通效能投诉电话，每季度开展满意度评议",
        True,
    ),
    (
        "城乡教育发展不均衡，渔农村学校办学条件相对薄弱",
        "实施渔农村学校标准化建设工程，年内完成10所学校校舍改造和设备配套",
        True,
    ),
    (
        "教育乱收费问题群众反映较多",
        "开展规范教育收费专项检查，全面推行收费公示和“一费制”，设立举报电话",
        True,
    ),
    (
        "局机关对直属学校党建工作指导不够",
        "建立局领导联系点制度，机关党委每学期对直属学校党建工作检查一次",
        False,
    ),
]
PUBLIC_SOURCES = [
    "行风热线反映",
    "家长座谈会意见",
    "意见箱来信",
    "行风监督员座谈会意见",
    "网上意见",
]
INTERNAL_SOURCES = ["专题组织生活会查摆", "党性分析查找", "民主评议意见", "教师恳谈会意见"]
NOTES = [
    "已召开专题会议研究整改方案，明确责任分工",
    "制度已修订完成并印发执行",
    "已完成第一阶段整改任务，正在组织检查",
    "已公开整改承诺，接受群众监督",
    "整改措施落实情况已在党员大会上通报",
]
EXPLANATION = "该问题涉及经费安排和设施改造，已列入明年预算，预计暑期完成，届时向群众公布结果。"
REOPEN_REASON = "群众反映整改后仍存在推诿拖延现象，整改效果不明显，要求在局党委监督下重新整改。"
COMMENTS_SHOWN = [
    ("整改措施很具体，希望真正落到实处。", ""),
    ("收费公示栏已经看到了，点赞！", "一位家长"),
    ("窗口服务态度确实有改善，办事快多了。", "王先生"),
    ("希望家访活动能坚持下去，不要走过场。", ""),
]
COMMENTS_PENDING = [
    ("建议公布举报电话的受理和查处结果。", ""),
    ("整改时限能否再提前一些？", "一名教师"),
]
DEEDS = [
    ("为渔农村学校捐赠图书", "东沙镇中心小学", "全校师生", 420),
    ("组织骨干教师送教下乡", "岱西中学", "农村学校教师", 36),
    ("为海岛学校配送多媒体教学设备", "秀山小学", "全校学生", 268),
    ("开放学校体育设施和电脑房，开展暖促培训", "桃花镇社区", "渔农民群众", 150),
    ("资助渔农村家庭困难学生", "虾峙中学", "家庭困难学生", 24),
    ("为渔农村学校教师举办信息技术培训", "长涂中学", "农村学校教师", 45),
]
ACTIVISTS = ["陈晓燕", "李振华", "王丽君", "张海涛", "周婷婷", "徐建峰", "林佳怡", "吴志刚"]
PARTNERS = ["小杰", "小雨", "小宇", "小婷", "小军", "小琳", "小浩", "小萱"]
MECHANISM_RHYTHMS = {
    "current_affairs_reports": Rhythm.QUARTERLY,
    "heart_to_heart_talks": Rhythm.TERMLY,
    "summer_training": Rhythm.YEARLY,
    "weekend_classes": Rhythm.MONTHLY,
}
TOPICS = {
    "current_affairs_reports": "国内外形势与教育改革发展",
    "heart_to_heart_talks": "党员与教职工谈心谈话",
    "summer_training": "暑期党员集中培训",
    "weekend_classes": "双休日课堂：家庭教育讲座",
}


def load_demo(campaign, rng) -> None:
    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.all()}
    enrollments = list(
        campaign.enrollments.select_related("organization").prefetch_related("phases")
    )
    members = _members_by_unit(enrollments)
    items, stages = [], []
    for enrollment in enrollments:
        window = next((w for w in enrollment.phases.all() if w.phase_code == PHASE), None)
        if window is None:
            continue  # a unit that has not planned its phases has no list yet
        unit_members = members[enrollment.pk]
        for spec in _unit_specs(rng, enrollment, unit_members):
            item, timeline = _item(rng, campaign, enrollment, window, spec, users, today)
            items.append(item)
            stages.append(timeline)
    bureau_window = (date(2024, 5, 1), date(2024, 6, 30))
    leaders = list(Member.objects.filter(code__startswith="JYJ-").order_by("code"))
    for index, (problem, measures, public) in enumerate(BUREAU_ITEMS):
        spec = {
            "level": Level.BUREAU,
            "organization": campaign.organization,
            "problem": problem,
            "measures": measures,
            "responsible": leaders[index % len(leaders)] if leaders else None,
            "from_public": public,
            "scenario": ["verified", "explained", "verified", "done"][index],
            "publish": True,
        }
        item, timeline = _item(rng, campaign, None, _Window(*bureau_window), spec, users, today)
        items.append(item)
        stages.append(timeline)
    RectificationItem.objects.bulk_create(items)
    _history(items, stages)
    _notes(rng, items, stages)
    _comments(rng, items)
    _deeds(rng, campaign, enrollments, today)
    _mechanisms(rng, campaign, enrollments, members, today)
    _pipeline(rng, enrollments, members)


class _Window:
    def __init__(self, starts_on, ends_on):
        self.starts_on, self.ends_on = starts_on, ends_on


def _members_by_unit(enrollments) -> dict[int, list[Member]]:
    everyone = list(Member.objects.select_related("organization").order_by("code"))
    return {
        e.pk: [m for m in everyone if m.organization.is_in_subtree_of(e.organization)]
        for e in enrollments
    }


def _unit_specs(rng, enrollment, unit_members):
    org = enrollment.organization
    pool = SCHOOL_ITEMS if org.category == OrgCategory.SCHOOL else UNIT_ITEMS + OFFICE_ITEMS
    chosen = rng.sample(pool, k=min(len(pool), rng.randint(3, 5)))
    leaders = [m for m in unit_members if m.is_leader_cadre] or unit_members[:1]
    specs = []
    for index, (problem, measures) in enumerate(chosen):
        specs.append(
            {
                "level": Level.ORGANIZATION,
                "organization": org,
                "problem": problem,
                "measures": measures,
                "responsible": leaders[index % len(leaders)] if leaders else None,
                "from_public": rng.random() < 0.5,
                "scenario": _scenario(rng, org.code, index),
                "publish": org.code != "ZBZX",
            }
        )
    ordinary = [m for m in unit_members if not m.is_leader_cadre]
    picked = rng.sample(ordinary, k=min(2, len(ordinary)))
    login = _login_member(ordinary)
    if login is not None and login not in picked:
        picked.append(login)  # the demo login `member` has an item of their own
    for member in picked:
        problem, measures = rng.choice(MEMBER_ITEMS)
        specs.append(
            {
                "level": Level.MEMBER,
                "organization": member.organization,
                "member": member,
                "problem": problem,
                "measures": measures,
                "responsible": member,
                "from_public": False,
                "scenario": "done" if member == login else "verified",
                "publish": org.code != "ZBZX",
            }
        )
    if org.code == "KFGS":
        for spec in specs[:2]:  # owners and deadlines left out: the verdict is red
            spec["responsible"] = None
            spec["no_deadline"] = True
            spec["scenario"] = "in_progress"
            spec["publish"] = False
    return specs


def _login_member(ordinary):
    """A member with a login (the demo's `member`): their own item awaits verification."""
    return next((m for m in ordinary if m.user_id), None)


def _scenario(rng, code, index) -> str:
    if code == "S03" and index < 3:
        return "in_progress"  # overdue, unexplained
    if code == "KSZX" and index == 0:
        return "explained"
    if code == "JYZX" and index == 0:
        return "reopened"
    return rng.choice(["verified", "verified", "verified", "done", "done"])


def _at(day: date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _item(rng, campaign, enrollment, window, spec, users, today):
    """The item in its final state, and the timeline of states its history records."""
    created = window.starts_on + timedelta(days=rng.randint(0, 4))
    deadline = window.ends_on + timedelta(days=rng.randint(0, 45))
    admin = users.get("admin_kszx") if spec["organization"].code == "KSZX" else None
    admin = admin or (
        users.get("admin_s01") if spec["organization"].code.startswith("S01") else None
    )
    office = users.get("guojianmin")
    public = spec["from_public"]
    sources = PUBLIC_SOURCES if public else INTERNAL_SOURCES
    item = RectificationItem(
        campaign=campaign,
        enrollment=enrollment,
        organization=spec["organization"],
        level=spec["level"],
        member=spec.get("member"),
        problem=spec["problem"],
        measures=spec["measures"],
        source_kind=SourceKind.TYPED,
        source_text=rng.choice(sources),
        from_public=public,
        responsible=spec["responsible"],
        deadline=None if spec.get("no_deadline") else deadline,
        public_id=new_public_id(),
        created_at=_at(created),
    )
    timeline = [(_at(created), {}, admin or office)]
    published = created + timedelta(days=rng.randint(1, 6))
    if spec["publish"]:
        timeline.append((_at(published, 15), {"published_at": _at(published, 15)}, admin or office))
    scenario = spec["scenario"]
    started = published + timedelta(days=rng.randint(2, 8))
    timeline.append(
        (_at(started), {"status": Status.IN_PROGRESS, "progress": rng.choice([20, 30, 40])}, admin)
    )
    if scenario in ("done", "verified", "reopened"):
        middle = started + timedelta(days=rng.randint(5, 15))
        timeline.append((_at(middle), {"progress": rng.choice([60, 70, 80])}, admin))
        done_on = min(deadline - timedelta(days=rng.randint(0, 5)), today)
        done_on = max(done_on, middle + timedelta(days=1))
        timeline.append(
            (_at(done_on), {"status": Status.DONE, "progress": 100, "done_on": done_on}, admin)
        )
        if scenario in ("verified", "reopened"):
            verified_on = done_on + timedelta(days=rng.randint(3, 15))
            timeline.append(
                (
                    _at(verified_on),
                    {"status": Status.VERIFIED, "verified_on": verified_on, "verified_by": office},
                    office,
                )
            )
        if scenario == "reopened":
            reopened_on = done_on + timedelta(days=30)
            timeline.append(
                (
                    _at(reopened_on, 16),
                    {
                        "status": Status.REOPENED,
                        "progress": 30,
                        "reopen_reason": REOPEN_REASON,
                        "reopened_on": reopened_on,
                        "reopened_by": office,
                        "reopen_count": 1,
                        "done_on": None,
                        "verified_on": None,
                        "verified_by": None,
                    },
                    office,
                )
            )
    elif scenario == "explained":
        explained_on = deadline + timedelta(days=3)
        timeline.append(
            (
                _at(explained_on),
                {"progress": 50, "explanation": EXPLANATION, "explained_on": explained_on},
                admin,
            )
        )
    timeline.sort(key=lambda stage: stage[0])
    for _moment, changes, _user in timeline:
        for name, value in changes.items():
            setattr(item, name, value)
    return item, timeline


TRACKED = [f.attname for f in RectificationItem._meta.concrete_fields]


def _history(items, timelines) -> None:
    """Historical records of each item's states, dated as the work went."""
    history_model = RectificationItem.history.model
    records = []
    for item, timeline in zip(items, timelines, strict=True):
        final = {name: getattr(item, name) for name in TRACKED}
        state = dict(final)
        for name in _changed_names(timeline):
            state[name] = RectificationItem._meta.get_field(name).get_default()
        for index, (moment, changes, user) in enumerate(timeline):
            for name, value in changes.items():
                state[_attname(name)] = value.pk if hasattr(value, "pk") else value
            records.append(
                history_model(
                    **state,
                    history_date=moment,
                    history_type="+" if index == 0 else "~",
                    history_user=user,
                )
            )
    history_model.objects.bulk_create(records)


def _attname(name: str) -> str:
    field = RectificationItem._meta.get_field(name)
    return field.attname


def _changed_names(timeline) -> set[str]:
    return {_attname(name) for _moment, changes, _user in timeline for name in changes}


def _notes(rng, items, timelines) -> None:
    notes = []
    for item, timeline in zip(items, timelines, strict=True):
        for moment, changes, user in timeline:
            progress = changes.get("progress")
            if progress is None or progress >= 100 or "reopen_reason" in changes:
                continue
            notes.append(
                ProgressNote(
                    item=item,
                    noted_on=timezone.localdate(moment),
                    progress=progress,
                    text=rng.choice(NOTES),
                    author=user,
                )
            )
    bulk_create_with_history(notes, ProgressNote)


def _comments(rng, items) -> None:
    published = [i for i in items if i.published_at and i.organization.code in ("KSZX", "S01")]
    published += [i for i in items if i.published_at and i.level == Level.BUREAU]
    comments = []
    for index, item in enumerate(published):
        text, name = COMMENTS_SHOWN[index % len(COMMENTS_SHOWN)]
        day = timezone.localdate(item.published_at) + timedelta(days=rng.randint(2, 20))
        comments.append(
            PublicComment(
                item=item, text=text, name=name, posted_on=day, status="approved", moderated_on=day
            )
        )
        if index % 3 == 0:
            text, name = COMMENTS_PENDING[index % len(COMMENTS_PENDING)]
            comments.append(
                PublicComment(item=item, text=text, name=name, posted_on=day + timedelta(days=1))
            )
    PublicComment.objects.bulk_create(comments)


def _deeds(rng, campaign, enrollments, today) -> None:
    deeds = []
    doers = [e for e in enrollments if e.organization.category == OrgCategory.SCHOOL]
    doers += [e for e in enrollments if e.organization.code in ("JYZX", "ZBZX")]
    for index, enrollment in enumerate(doers):
        title, school, who, count = DEEDS[index % len(DEEDS)]
        done_on = enrollment.batch.ends_on - timedelta(days=rng.randint(10, 90))
        deeds.append(
            PracticalDeed(
                campaign=campaign,
                enrollment=enrollment,
                organization=enrollment.organization,
                title=title,
                done_on=min(done_on, today),
                beneficiary_school=school,
                beneficiaries=who,
                beneficiary_count=count + rng.randint(0, 20),
                description=f"{enrollment.organization.name}党员志愿服务队{title}。",
            )
        )
    deeds.append(
        PracticalDeed(
            campaign=campaign,
            organization=campaign.organization,
            title="实施渔农村学校校舍改造工程",
            done_on=date(2024, 9, 1),
            beneficiary_school="白沙小学等10所渔农村学校",
            beneficiaries="渔农村学校师生",
            beneficiary_count=3200,
            description="局党委统筹安排专项资金，完成10所渔农村学校校舍改造和设备配套。",
        )
    )
    bulk_create_with_history(deeds, PracticalDeed)


def _mechanisms(rng, campaign, enrollments, members, today) -> None:
    mechanisms, plans = [], []
    codes = [item.code for item in campaign.rules.mechanisms]
    for enrollment in enrollments:
        window = next((w for w in enrollment.phases.all() if w.phase_code == PHASE), None)
        if window is None:
            continue
        leaders = [m for m in members[enrollment.pk] if m.is_leader_cadre]
        # 装备中心 stopped holding its activities in 2025: "behind its rhythm".
        stop = date(2025, 3, 1) if enrollment.organization.code == "ZBZX" else today
        for code in rng.sample(codes, k=rng.randint(2, len(codes))):
            rhythm = MECHANISM_RHYTHMS.get(code, Rhythm.QUARTERLY)
            mechanism = Mechanism(
                campaign=campaign,
                enrollment=enrollment,
                kind=code,
                rhythm=rhythm,
                started_on=window.ends_on,
                responsible=leaders[0] if leaders else None,
                description="列入单位年度工作计划，专人负责，定期检查。",
            )
            mechanisms.append(mechanism)
            plans.append((mechanism, code, window.ends_on, stop))
    bulk_create_with_history(mechanisms, Mechanism)
    occurrences = []
    for mechanism, code, start, stop in plans:
        step = {
            Rhythm.MONTHLY: 30,
            Rhythm.QUARTERLY: 90,
            Rhythm.TERMLY: 150,
            Rhythm.YEARLY: 365,
        }[mechanism.rhythm]
        day = start + timedelta(days=rng.randint(5, 20))
        if code == "summer_training":
            day = date(start.year if start.month < 7 else start.year + 1, 7, 15)
        while day <= stop:
            occurrences.append(
                Occurrence(
                    mechanism=mechanism,
                    held_on=day,
                    topic=TOPICS.get(code, "集中活动"),
                    participants=rng.randint(8, 40),
                    summary="活动按计划开展，参加人员认真学习讨论。",
                )
            )
            day += timedelta(days=step + rng.randint(-5, 5))
    bulk_create_with_history(occurrences, Occurrence)


def _pipeline(rng, enrollments, members) -> None:
    people, pairings = [], []
    for enrollment in enrollments:
        org = enrollment.organization
        if org.category != OrgCategory.SCHOOL and org.code != "JYZX":
            continue
        unit_members = members[enrollment.pk]
        if not unit_members:
            continue
        for name in rng.sample(ACTIVISTS, k=rng.randint(2, 4)):
            activist_on = date(2023, rng.randint(1, 12), rng.randint(1, 28))
            stage = rng.random()
            probationary_on = activist_on + timedelta(days=rng.randint(365, 500))
            probationary_on = probationary_on if stage > 0.4 else None
            formal_on = (
                probationary_on + timedelta(days=366) if probationary_on and stage > 0.75 else None
            )
            people.append(
                Cultivation(
                    organization=org,
                    name=name,
                    position=rng.choice(["语文教师", "数学教师", "英语教师", "班主任", "科员"]),
                    activist_on=activist_on,
                    probationary_on=probationary_on,
                    formal_on=formal_on,
                    mentor=rng.choice(unit_members),
                )
            )
        if org.category != OrgCategory.SCHOOL:
            continue
        for index, member in enumerate(rng.sample(unit_members, k=min(5, len(unit_members)))):
            kind = PartnerKind.STRUGGLING_STUDENT if index % 2 == 0 else PartnerKind.YOUNG_TEACHER
            partner = (
                rng.choice(PARTNERS)
                if kind == PartnerKind.STRUGGLING_STUDENT
                else rng.choice(["青年教师李老师", "青年教师周老师", "青年教师陈老师"])
            )
            pairings.append(
                Pairing(
                    organization=member.organization,
                    member=member,
                    partner_kind=kind,
                    partner_name=partner,
                    started_on=date(2024, 9, 1),
                    goal="每月谈心一次，学业（教学）有明显进步",
                )
            )
    bulk_create_with_history(people, Cultivation)
    bulk_create_with_history(pairings, Pairing)
