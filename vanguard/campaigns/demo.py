"""The demo campaign: the notice's own bureau, units, schools and leading group, a few
hundred members with plausible names, and one login per role.

Deterministic: the same seed gives the same people.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.campaigns import group_steps, services
from vanguard.campaigns.models import Batch, Campaign, StepStatus
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.core import registry
from vanguard.orgs.models import (
    Gender,
    Member,
    MemberStatus,
    Organization,
    OrgCategory,
    OrgKind,
    PostKind,
)

TEMPLATE_CODE = "xianjinxing-2024"
# Each phase app adds its demo data through the registry (`PhaseApp.demo_loader`).
DEMO_PASSWORD = "xianfeng2024"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭陆范汪廖石金贾夏韦付方邹熊白孟秦邱侯江尹薛闫段"
    "雷龙黎史陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志海波宁"
    "欣怡晨浩宇婷雪峰琳颖慧俊凯佳丹亮斌琴云飞松涛瑶琪"
)

# (code, name, kind, category, members, children)
BATCH_1 = [
    ("JG1", "市教育局机关第一党支部", OrgKind.BRANCH, OrgCategory.ORGAN, 22),
    ("JG2", "市教育局机关第二党支部", OrgKind.BRANCH, OrgCategory.ORGAN, 18),
    ("KSZX", "市教育考试中心党支部", OrgKind.BRANCH, OrgCategory.INSTITUTION, 14),
    ("JYZX", "市教研中心党支部", OrgKind.BRANCH, OrgCategory.INSTITUTION, 24),
    ("ZBZX", "市教育装备中心党支部", OrgKind.BRANCH, OrgCategory.INSTITUTION, 11),
    ("KFGS", "市教育开发公司党支部", OrgKind.BRANCH, OrgCategory.ENTERPRISE, 9),
    ("TZGS", "市教育投资公司党支部", OrgKind.BRANCH, OrgCategory.ENTERPRISE, 8),
]
SCHOOLS = [
    ("S01", "市第一中学党总支", OrgKind.GENERAL_BRANCH, 0),
    ("S02", "市第二中学党支部", OrgKind.BRANCH, 26),
    ("S03", "市实验中学党支部", OrgKind.BRANCH, 24),
    ("S04", "市职业技术学校党总支", OrgKind.GENERAL_BRANCH, 0),
    ("S05", "市海洋职业学校党支部", OrgKind.BRANCH, 18),
    ("S06", "市实验小学党支部", OrgKind.BRANCH, 16),
    ("S07", "市特殊教育学校党支部", OrgKind.BRANCH, 9),
    ("S08", "市教育学院党支部", OrgKind.BRANCH, 15),
]
SCHOOL_BRANCHES = {
    "S01": [("S01-1", "市第一中学教师第一党支部", 20), ("S01-2", "市第一中学教师第二党支部", 17)],
    "S04": [("S04-1", "市职业技术学校机关党支部", 12), ("S04-2", "市职业技术学校教师党支部", 19)],
}

# What the public calls each unit (the opinion form offers these): a school's branches go
# by the school's name; the bureau's own branches are reached as "the bureau as a whole".
PUBLIC_NAME_SUFFIX = re.compile(r"(教师第.党支部|教师党支部|机关党支部|党总支|党支部)$")


def public_name(name: str, category: str) -> str:
    return "" if category == OrgCategory.ORGAN else PUBLIC_NAME_SUFFIX.sub("", name)


# The notice's leading group (六.1); 钱军 is the bureau's Party secretary.
LEADING_GROUP = [
    ("qianjun", "钱军", "局党委书记、领导小组组长", Role.LEADER),
    ("hanxianqing", "韩贤清", "局党委副书记、领导小组副组长", Role.LEADER),
    ("liupinjun", "刘嫔珺", "局党委委员、领导小组副组长", Role.LEADER),
    ("guojianmin", "郭建民", "领导小组办公室主任", Role.OFFICE),
]


@dataclass
class DemoLogin:
    username: str
    role: str
    who: str


def load_demo(seed: int = 2024) -> list[DemoLogin]:
    """Load the demo campaign unless it is there already; return the demo logins."""
    if not Campaign.objects.filter(code=TEMPLATE_CODE).exists():
        with transaction.atomic():
            _build(random.Random(seed))
    return demo_logins()


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin("guojianmin", "领导小组办公室（全局）", "郭建民"),
        DemoLogin("qianjun", "局领导（只读全部）", "钱军"),
        DemoLogin("liaison", "联络员（考试中心、教研中心）", "联络员"),
        DemoLogin("admin_kszx", "单位管理员（市教育考试中心党支部）", "考试中心书记"),
        DemoLogin("admin_s01", "单位管理员（市第一中学党总支）", "第一中学书记"),
        DemoLogin("member", "党员（市教育考试中心党支部）", "考试中心党员"),
        DemoLogin("admin", "系统管理员（Django admin）", "superuser"),
    ]


def _build(rng: random.Random) -> None:
    root = Organization.objects.add_root(
        dict(code="JYJ", name="市教育局党委", kind=OrgKind.COMMITTEE, category=OrgCategory.ORGAN)
    )
    units = {}
    for code, name, kind, category, count in BATCH_1:
        units[code] = Organization.objects.add_child(
            root,
            dict(
                code=code,
                name=name,
                kind=kind,
                category=category,
                public_name=public_name(name, category),
            ),
        )
        _add_members(rng, units[code], count)
    for code, name, kind, count in SCHOOLS:
        units[code] = Organization.objects.add_child(
            root,
            dict(
                code=code,
                name=name,
                kind=kind,
                category=OrgCategory.SCHOOL,
                public_name=public_name(name, OrgCategory.SCHOOL),
            ),
        )
        _add_members(rng, units[code], count)
        for child_code, child_name, child_count in SCHOOL_BRANCHES.get(code, []):
            child = Organization.objects.add_child(
                units[code],
                dict(
                    code=child_code,
                    name=child_name,
                    kind=OrgKind.BRANCH,
                    category=OrgCategory.SCHOOL,
                    public_name=public_name(child_name, OrgCategory.SCHOOL),
                ),
            )
            _add_members(rng, child, child_count)
    campaign = services.start_campaign(
        load_template(shipped_template_path(TEMPLATE_CODE)),
        organization=root,
        batches=[
            ("第一批（机关及直属单位）", date(2024, 1, 1), date(2024, 6, 30)),
            ("第二批（直属学校）", date(2024, 7, 1), date(2024, 12, 31)),
        ],
    )
    batch_1, batch_2 = campaign.batches.order_by("number")
    for code, *_rest in BATCH_1:
        _enroll_and_plan(rng, batch_1, units[code])
    for code, *_rest in SCHOOLS:
        _enroll_and_plan(rng, batch_2, units[code])
    _add_logins(root, units)
    for loader in registry.demo_loaders():
        loader(campaign, rng)


def _add_members(rng: random.Random, org: Organization, count: int) -> None:
    start = Member.objects.count()
    members = []
    for index in range(count):
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
        members.append(
            Member(
                code=f"{org.code}-{start + index + 1:04d}",
                name=_name(rng),
                gender=rng.choice([Gender.MALE, Gender.FEMALE]),
                birth_date=birth,
                organization=org,
                joined_on=birth + timedelta(days=365 * rng.randint(20, 30)),
                status=MemberStatus.PROBATIONARY if rng.random() < 0.06 else MemberStatus.FORMAL,
                is_leader_cadre=index < 2,
                position=_position(rng, org, index),
                phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                # 五.1(1): what the unit's profile counts (no draw, so the rest is unchanged).
                post_kind=_post_kind(org, index),
                retired=index % 13 == 12,
                floating=index % 17 == 16,
                out_of_contact=index % 29 == 28,
            )
        )
    Member.objects.bulk_create(members)


def _post_kind(org: Organization, index: int) -> str:
    if index < 2:
        return PostKind.MANAGER
    return PostKind.TEACHER if org.category == OrgCategory.SCHOOL else PostKind.STAFF


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
    return rng.choice(SURNAMES) + given


def _position(rng: random.Random, org: Organization, index: int) -> str:
    if index == 0:
        return "党支部书记" if org.category != OrgCategory.SCHOOL else "校长"
    if index == 1:
        return "副主任" if org.category != OrgCategory.SCHOOL else "副校长"
    if org.category == OrgCategory.SCHOOL:
        return rng.choice(["语文教师", "数学教师", "英语教师", "班主任", "教务处主任", "物理教师"])
    return rng.choice(["科员", "主任科员", "工程师", "会计", "办公室主任", "副科长"])


def _enroll_and_plan(rng: random.Random, batch: Batch, org: Organization) -> None:
    enrollment = services.enroll(batch, org)
    if org.code in {"TZGS", "S07"}:
        return  # not planned yet: the dashboard shows these as failing
    start = batch.starts_on + timedelta(days=rng.randint(0, 10))
    study_days = 45 if org.code != "ZBZX" else 25  # 装备中心 plans too short a period
    windows = {
        "study": (start, start + timedelta(days=study_days - 1)),
        "analysis": (
            start + timedelta(days=study_days),
            start + timedelta(days=study_days + 29),
        ),
        "rectification": (
            start + timedelta(days=study_days + 30),
            start + timedelta(days=study_days + 59),
        ),
    }
    services.save_phase_plan(enrollment, windows, acting=None)
    _record_group_steps(batch.campaign, org, windows)
    rules = batch.campaign.rules
    for phase, step in rules.steps():
        if org.code == "S03" and phase.code == "rectification":
            continue  # 实验中学 has not finished its rectification steps
        done_on = windows[phase.code][1] - timedelta(days=rng.randint(0, 10))
        record = services.record_step(
            enrollment, step.code, status=StepStatus.DONE, done_on=done_on, acting=None
        )
        if org.code == "KFGS":
            continue  # 开发公司 has not uploaded its evidence
        for title in step.evidence:
            text = f"{org.name}\n{title}\n{done_on:%Y年%m月%d日}\n"
            services.add_evidence(
                record,
                title=title,
                file=ContentFile(text.encode(), name=f"{title}.txt"),
                user=None,
                acting=None,
            )


def _record_group_steps(
    campaign: Campaign, org: Organization, windows: dict[str, tuple[date, date]]
) -> None:
    """Each member whose group has steps of its own (leader cadres: 三.4) took them in the
    phase they belong to, except in 开发公司, whose cadres have not (the verdicts show it)."""
    if org.code == "KFGS":
        return
    members = list(Member.objects.within(org).select_related("organization"))
    for member_id, steps in group_steps.steps_of_members(campaign, members).items():
        member = next(m for m in members if m.pk == member_id)
        for step in steps.own:
            done_on = windows[step.phase][1] - timedelta(days=3)
            group_steps.record_step(campaign, member, step.code, done_on=done_on, acting=None)


def _add_logins(root: Organization, units: dict[str, Organization]) -> None:
    def user(username: str, full_name: str, **extra: Any) -> User:
        account = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, full_name=full_name, **extra
        )
        return account

    for username, name, position, role in LEADING_GROUP:
        account = user(username, name)
        RoleGrant.objects.create(user=account, role=role, organization=root)
        Member.objects.create(
            code=f"JYJ-{username}",
            name=name,
            gender=Gender.MALE if name != "刘嫔珺" else Gender.FEMALE,
            organization=units["JG1"],
            is_leader_cadre=True,
            position=position,
            user=account,
        )
    liaison = user("liaison", "联络员")
    for code in ("KSZX", "JYZX"):
        RoleGrant.objects.create(user=liaison, role=Role.LIAISON, organization=units[code])
    RoleGrant.objects.create(
        user=user("admin_kszx", "考试中心书记"), role=Role.UNIT_ADMIN, organization=units["KSZX"]
    )
    RoleGrant.objects.create(
        user=user("admin_s01", "第一中学书记"), role=Role.UNIT_ADMIN, organization=units["S01"]
    )
    member = Member.objects.filter(organization=units["KSZX"]).order_by("code")[2]
    member.user = user("member", member.name)
    member.save()
    user("admin", "系统管理员", is_staff=True, is_superuser=True)
