"""Benchmark data for leadership and supervision (vanguard.datagen): the bureau's leading
group and the units' groups, the bureau leaders' liaison points, liaison officers
dispatched per batch (each dispatch with the dated liaison `RoleGrant` that
`services.dispatch_officer` makes), their visits and suggestions (most answered), and a
few news articles. Small volumes; bulk inserts; deterministic from the generator's rng.

Users are made for the campaign office and the officers (`<code>-office`,
`<code>-liaison-<batch>-<n>`), with unusable passwords. Rows carry no audit history, as
in the other generators.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.campaigns.demo import GIVEN, SURNAMES
from vanguard.orgs.models import OrgCategory
from vanguard.oversight import conf
from vanguard.oversight.demo import ANSWERS, CHECKS, FINDINGS, SUGGESTIONS
from vanguard.oversight.models import (
    BUREAU_LEADER_ROLES,
    Article,
    ArticleKind,
    ArticleStatus,
    GroupMembership,
    GroupRole,
    LeadingGroup,
    LiaisonAssignment,
    LiaisonPoint,
    PointKind,
    Suggestion,
    SuggestionStatus,
    SupervisionVisit,
)

BATCH_SIZE = 5_000
UNITS_PER_OFFICER = 10
NO_GROUP_SHARE = 0.03  # units that have not set up their leading group
BUREAU_ROWS = [
    (GroupRole.LEADER, "局党委书记", True),
    (GroupRole.DEPUTY, "局党委副书记", False),
    (GroupRole.DEPUTY, "局党委委员", False),
    (GroupRole.MEMBER, "局办公室主任", False),
    (GroupRole.MEMBER, "组织人事处处长", False),
    (GroupRole.MEMBER, "监察室主任", False),
    (GroupRole.MEMBER, "机关党委专职副书记", False),
    (GroupRole.OFFICE_DIRECTOR, "领导小组办公室主任", False),
    (GroupRole.OFFICE_STAFF, "组织人事处干部", False),
]
UNIT_ROWS = [
    (GroupRole.LEADER, "党组织书记"),
    (GroupRole.DEPUTY, "行政负责人"),
    (GroupRole.MEMBER, ""),
    (GroupRole.MEMBER, ""),
    (GroupRole.OFFICE_DIRECTOR, "党务干部"),
]
# The share of suggestions in each state (out of 100).
SUGGESTION_WEIGHTS = {"accepted": 60, "answered": 18, "returned": 6, "open": 16}
RETURN_NOTE = "答复过于笼统，请说明整改的时间、人数和方式。"
NEWS = [
    ("{unit}召开先进性教育活动动员大会", "{unit}召开全体党员大会，动员部署先进性教育活动。"),
    ("{unit}扎实开展集中学习", "{unit}建立“两本一册”，利用周五下午组织集中学习。"),
    ("{unit}开展“党员先锋岗”创建活动", "{unit}在工作一线设立党员先锋岗，党员结对帮扶。"),
    ("{unit}公开整改承诺接受群众监督", "{unit}将整改措施在公开栏和网站公示，接受群众监督。"),
]


def generate(generated, scale, rng: random.Random) -> None:
    campaign = generated.campaign
    batches = {batch.number: batch for batch in campaign.batches.all()}
    members = {org_id: sorted(ids) for org_id, ids in generated.members_by_unit.items()}
    office = _user(f"{campaign.code}-office", _name(rng))
    office.save()
    RoleGrant.objects.create(user=office, role=Role.OFFICE, organization=generated.root)
    leaders = _leading_groups(generated, members, rng)
    _liaison_points(generated, leaders, rng)
    _officers(generated, batches, office, rng)
    _news(generated, members, office, rng)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))


def _user(username: str, full_name: str) -> User:
    return User(username=username, full_name=full_name, password=make_password(None))


# -- leading groups --------------------------------------------------------------------------


def _leading_groups(generated, members, rng) -> list[int]:
    """The bureau's group (its people from the departments, batch 1's organ units) and a
    group in nearly every unit. Returns the bureau leaders (group leader and deputies)."""
    campaign, root = generated.campaign, generated.root
    first = [e for e in generated.enrollments if e.batch.number == 1] or generated.enrollments
    departments = [e for e in first if e.organization.category == OrgCategory.ORGAN] or first
    bureau_people = [m for e in departments for m in members.get(e.organization_id, [])]
    bureau_people += [m for e in generated.enrollments for m in members.get(e.organization_id, [])][
        : len(BUREAU_ROWS)
    ]
    bureau_people = list(dict.fromkeys(bureau_people))[: len(BUREAU_ROWS)]
    groups = [
        LeadingGroup(
            campaign=campaign,
            organization=root,
            name="市教育局保持共产党员先进性教育活动领导小组",
            established_on=campaign.starts_on + timedelta(days=4),
        )
    ]
    rosters = [
        [
            (member, role, duty, head)
            for member, (role, duty, head) in zip(bureau_people, BUREAU_ROWS, strict=False)
        ]
    ]
    for enrollment in generated.enrollments:
        org = enrollment.organization
        people = members.get(org.pk, [])
        if rng.random() < NO_GROUP_SHARE or not people:
            continue
        groups.append(
            LeadingGroup(
                campaign=campaign,
                organization=org,
                name=f"{org.name}先进性教育活动领导小组",
                established_on=enrollment.batch.starts_on + timedelta(days=rng.randint(2, 12)),
            )
        )
        chosen = people[:2] + rng.sample(people[2:], min(3, len(people[2:])))
        rosters.append(
            [
                (member, role, duty, role == GroupRole.LEADER)
                for member, (role, duty) in zip(chosen, UNIT_ROWS, strict=False)
            ]
        )
    LeadingGroup.objects.bulk_create(groups, batch_size=BATCH_SIZE)
    memberships = [
        GroupMembership(group=group, member_id=member, role=role, duty=duty, is_responsible=head)
        for group, roster in zip(groups, rosters, strict=True)
        for member, role, duty, head in roster
    ]
    GroupMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    return [m for m, role, _duty, _head in rosters[0] if role in BUREAU_LEADER_ROLES]


def _liaison_points(generated, leaders, rng) -> None:
    """Each bureau leader follows one school or unit and one department (R26)."""
    orgs = [e.organization for e in generated.enrollments]
    units = [org for org in orgs if org.category != OrgCategory.ORGAN]
    departments = [org for org in orgs if org.category == OrgCategory.ORGAN]
    points = []
    chosen_units = rng.sample(units, min(len(leaders), len(units)))
    for index, leader in enumerate(leaders):
        if chosen_units:
            points.append(
                LiaisonPoint(
                    campaign=generated.campaign,
                    leader_id=leader,
                    kind=PointKind.UNIT,
                    organization=chosen_units[index % len(chosen_units)],
                )
            )
        if departments:
            points.append(
                LiaisonPoint(
                    campaign=generated.campaign,
                    leader_id=leader,
                    kind=PointKind.DEPARTMENT,
                    organization=departments[index % len(departments)],
                )
            )
    LiaisonPoint.objects.bulk_create(points)


# -- liaison officers ------------------------------------------------------------------------


def _officers(generated, batches, office, rng) -> None:
    """Officers dispatched per batch, one per unit, each dispatch with its dated grant; one
    or two visits per unit with their suggestions."""
    campaign = generated.campaign
    by_batch: dict[int, list] = {}
    for enrollment in generated.enrollments:
        by_batch.setdefault(enrollment.batch.number, []).append(enrollment)
    officers, plan = [], []
    for number, enrollments in sorted(by_batch.items()):
        count = max(1, len(enrollments) // UNITS_PER_OFFICER)
        mine = [
            _user(f"{campaign.code}-liaison-{number}-{index + 1:03d}", _name(rng))
            for index in range(count)
        ]
        officers += mine
        plan += [(batches[number], mine[i % count], e) for i, e in enumerate(enrollments)]
    User.objects.bulk_create(officers, batch_size=BATCH_SIZE)
    grants = [
        RoleGrant(
            user=officer,
            role=Role.LIAISON,
            organization=enrollment.organization,
            starts_on=batch.starts_on,
            ends_on=batch.ends_on,
        )
        for batch, officer, enrollment in plan
    ]
    RoleGrant.objects.bulk_create(grants, batch_size=BATCH_SIZE)
    assignments = [
        LiaisonAssignment(
            batch=batch,
            officer=officer,
            organization=enrollment.organization,
            grant=grant,
            dispatched_by=office,
            dispatched_on=batch.starts_on - timedelta(days=3),
        )
        for (batch, officer, enrollment), grant in zip(plan, grants, strict=True)
    ]
    LiaisonAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    _visits(campaign, assignments, rng)


def _visits(campaign, assignments, rng) -> None:
    today = timezone.localdate()
    answer_days = conf.suggestion_answer_days(campaign)
    visits, texts = [], []
    for assignment in assignments:
        batch = assignment.batch
        for number in range(rng.choice([1, 2])):
            visited_on = batch.starts_on + timedelta(days=30 + 60 * number + rng.randint(0, 20))
            visited_on = min(visited_on, batch.ends_on, today)
            if visited_on < batch.starts_on:
                continue
            visits.append(
                SupervisionVisit(
                    assignment=assignment,
                    organization_id=assignment.organization_id,
                    visited_on=visited_on,
                    checked=rng.choice(CHECKS),
                    findings=rng.choice(FINDINGS),
                    recorded_by=assignment.officer,
                )
            )
            texts.append(rng.sample(SUGGESTIONS, rng.choice([1, 2])))
    SupervisionVisit.objects.bulk_create(visits, batch_size=BATCH_SIZE)
    suggestions = []
    for visit, visit_texts in zip(visits, texts, strict=True):
        due = visit.visited_on + timedelta(days=answer_days)
        for text in visit_texts:
            suggestion = Suggestion(visit=visit, text=text, answer_due_on=due)
            _follow_up(suggestion, visit, rng, answer_days, today)
            suggestions.append(suggestion)
    Suggestion.objects.bulk_create(suggestions, batch_size=BATCH_SIZE)


def _follow_up(suggestion, visit, rng, answer_days, today) -> None:
    """The state `services.answer/accept/return_suggestion` would have left."""
    state = rng.choices(list(SUGGESTION_WEIGHTS), weights=list(SUGGESTION_WEIGHTS.values()))[0]
    answered_on = visit.visited_on + timedelta(days=rng.randint(3, 10))
    if state == "open" or answered_on > today:
        return
    suggestion.status = SuggestionStatus.ANSWERED
    suggestion.answer = rng.choice(ANSWERS)
    suggestion.answered_on = answered_on
    reviewed_on = answered_on + timedelta(days=rng.randint(1, 5))
    if state == "answered" or reviewed_on > today:
        return
    if state == "returned":
        suggestion.status = SuggestionStatus.RETURNED
        suggestion.review_note = RETURN_NOTE
        suggestion.answer_due_on = reviewed_on + timedelta(days=answer_days)
        return
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.accepted_on = reviewed_on
    suggestion.accepted_by = visit.assignment.officer


# -- publicity -------------------------------------------------------------------------------


def _news(generated, members, office, rng) -> None:
    """A few news articles: the bureau's and some units', most published by the office."""
    campaign = generated.campaign
    today = timezone.localdate()
    count = max(3, len(generated.enrollments) // 20)
    chosen = rng.sample(generated.enrollments, min(count, len(generated.enrollments)))
    articles = [
        Article(
            campaign=campaign,
            organization=generated.root,
            kind=ArticleKind.NEWS,
            title="局党委召开保持共产党员先进性教育活动动员大会",
            body="市教育局党委召开全局保持共产党员先进性教育活动动员大会，对活动作出全面部署。",
            status=ArticleStatus.PUBLISHED,
            author=office,
            reviewed_by=office,
            published_on=min(campaign.starts_on + timedelta(days=7), today),
        )
    ]
    for index, enrollment in enumerate(chosen):
        org = enrollment.organization
        title, body = rng.choice(NEWS)
        status = ArticleStatus.PUBLISHED if index % 5 else ArticleStatus.SUBMITTED
        published = status == ArticleStatus.PUBLISHED
        published_on = enrollment.batch.starts_on + timedelta(days=rng.randint(10, 150))
        articles.append(
            Article(
                campaign=campaign,
                organization=org,
                kind=ArticleKind.NEWS,
                title=title.format(unit=org.name),
                body=body.format(unit=org.name),
                status=status,
                reviewed_by=office if published else None,
                published_on=min(published_on, today) if published else None,
            )
        )
    Article.objects.bulk_create(articles, batch_size=BATCH_SIZE)
