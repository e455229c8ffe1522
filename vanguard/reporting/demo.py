"""Demo data of reporting, loaded by `manage.py load_demo`: phase summaries at several
points of their sign-off and briefs in every state, so that the pages, the verdicts and the
to-do lists have something to show.

- 考试中心 (KSZX): 学习动员 approved, 分析评议 submitted and waiting for the liaison officer,
  整改提高 not written; three briefs accepted (one published), one awaiting review.
- 教研中心 (JYZX): 学习动员 returned once, resubmitted and approved; 分析评议 returned.
- 市第一中学 (S01): one brief published, one awaiting review.
- Every other planned unit: each ended phase summarised and approved by the office, except
  开发公司 (KFGS, behind in everything) and 实验中学 (S03, rectification not finished).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.reporting import services

TEXTS = {
    "study": (
        "本阶段按计划组织集中学习，召开动员大会，党员参学率较高。"
        "对照《实施方案》完成了各项学习任务，建立了“两本一册”。"
        "存在问题：个别党员学习笔记内容偏少，下一阶段将加强督促。"
    ),
    "analysis": (
        "本阶段通过座谈会、意见箱、个别访谈等方式广泛征求意见，"
        "开展谈心谈话，党员撰写党性分析材料，召开专题组织生活会。"
    ),
    "rectification": (
        "本阶段制定并公示整改方案，逐项落实整改措施，整改情况在单位内公开，接受群众监督。"
    ),
}
SCENARIOS = {"KSZX", "JYZX"}  # their summaries tell a story of their own (above)
BEHIND = {"KFGS"}  # has written no summary: its verdicts show the sign-off missing
BRIEFS = [
    (
        "考试中心召开先进性教育活动动员大会",
        "中心党支部召开动员大会，全体党员参加，明确了三个阶段的主要任务。",
    ),
    (
        "考试中心开展“五个一”教育活动",
        "中心党员重温入党誓词，结对帮扶困难学生，社区奉献日活动受到好评。",
    ),
    ("考试中心广泛征求群众意见", "通过座谈会、意见箱、网上征求等方式共征集意见建议二十余条。"),
    ("考试中心召开专题组织生活会", "党员逐一开展批评与自我批评，查摆问题，明确整改方向。"),
]


def load_demo(campaign: Campaign, rng: random.Random) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    enrollments = {
        e.organization.code: e
        for e in Enrollment.objects.filter(campaign=campaign)
        .select_related("organization", "campaign", "batch")
        .prefetch_related("phases")
    }
    with transaction.atomic():
        if "KSZX" in enrollments:
            _summaries_kszx(enrollments["KSZX"], users)
            _briefs(enrollments["KSZX"], users, BRIEFS, publish=1, accept=3)
        if "JYZX" in enrollments:
            _summaries_jyzx(enrollments["JYZX"], users)
        for code, enrollment in enrollments.items():
            if code not in SCENARIOS | BEHIND:
                _summaries_approved(
                    enrollment, users, skip={"rectification"} if code == "S03" else set()
                )
        if "S01" in enrollments:
            _briefs(
                enrollments["S01"],
                users,
                [
                    ("第一中学党员教师社区奉献日", "党员教师走进社区，开展义务辅导和政策宣讲。"),
                    ("第一中学整改措施公示", "学校将整改方案在校园网上公示，接受群众监督。"),
                ],
                publish=1,
                accept=1,
                submit=1,
            )


def _end(enrollment, code):
    window = next((w for w in enrollment.phases.all() if w.phase_code == code), None)
    return window.ends_on if window else enrollment.batch.ends_on


def _summaries_kszx(enrollment, users) -> None:
    admin, liaison = users.get("admin_kszx"), users.get("liaison")
    study = services.submit_summary(
        enrollment,
        "study",
        text=TEXTS["study"],
        by=admin,
        today=_end(enrollment, "study") + timedelta(days=1),
        acting=None,
    )
    services.approve_summary(
        study,
        by=liaison,
        comment="总结较全面，同意转入分析评议阶段。",
        today=_end(enrollment, "study") + timedelta(days=3),
        acting=None,
    )
    services.submit_summary(
        enrollment,
        "analysis",
        text=TEXTS["analysis"],
        by=admin,
        today=_end(enrollment, "analysis") + timedelta(days=1),
        acting=None,
    )


def _summaries_approved(enrollment, users, skip=frozenset()) -> None:
    """Each phase of the unit's plan summarised the day after it ended and approved by the
    office two days later (a unit without a plan has nothing to summarise)."""
    office = users.get("guojianmin")
    for window in sorted(enrollment.phases.all(), key=lambda w: w.starts_on):
        if window.phase_code in skip or window.phase_code not in TEXTS:
            continue
        day = window.ends_on + timedelta(days=1)
        summary = services.submit_summary(
            enrollment,
            window.phase_code,
            text=TEXTS[window.phase_code],
            by=None,
            today=day,
            acting=None,
        )
        services.approve_summary(summary, by=office, today=day + timedelta(days=2), acting=None)


def _summaries_jyzx(enrollment, users) -> None:
    office = users.get("guojianmin")
    day = _end(enrollment, "study") + timedelta(days=1)
    study = services.submit_summary(
        enrollment, "study", text="本阶段组织集中学习。", by=None, today=day, acting=None
    )
    services.return_summary(
        study, by=office, comment="请补充参学率和存在的问题，附动员大会材料。", acting=None
    )
    study = services.submit_summary(
        enrollment,
        "study",
        text=TEXTS["study"],
        by=None,
        today=day + timedelta(days=3),
        acting=None,
    )
    services.approve_summary(study, by=office, today=day + timedelta(days=5), acting=None)
    analysis = services.submit_summary(
        enrollment,
        "analysis",
        text="已召开专题组织生活会。",
        by=None,
        today=_end(enrollment, "analysis") + timedelta(days=1),
        acting=None,
    )
    services.return_summary(
        analysis, by=office, comment="请写明征求意见的数量和梳理情况。", acting=None
    )


def _briefs(enrollment, users, texts, *, publish=0, accept=0, submit=0) -> None:
    office = users.get("guojianmin")
    windows = sorted(enrollment.phases.all(), key=lambda w: w.starts_on)
    for index, (title, body) in enumerate(texts):
        brief = services.create_brief(enrollment, title=title, body=body, acting=None)
        if index >= accept + submit + (1 if len(texts) > accept + submit else 0):
            continue
        window = windows[min(index, len(windows) - 1)] if windows else None
        day = window.starts_on + timedelta(days=5) if window else enrollment.batch.starts_on
        services.submit_brief(brief, today=day, acting=None)
        if index < accept:
            services.accept_brief(brief, by=office, acting=None)
        if index < publish:
            services.publish_brief(brief, today=day + timedelta(days=2), acting=None)
