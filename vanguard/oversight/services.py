"""State changes of leadership and supervision: leading groups, liaison points, liaison
officers and their visits, suggestions, publicity, commendations, non-qualifying members.

Views parse and check access, then call these; tests call them directly. Each function
checks the business rules and raises `ValidationError` with a message for the user.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting
from vanguard.accounts.models import Role, RoleGrant
from vanguard.campaigns import attribution, revision
from vanguard.campaigns.models import Batch, Campaign, Enrollment
from vanguard.core import registry
from vanguard.core.dates import format_date
from vanguard.orgs.models import Member, Organization, OrgCategory
from vanguard.oversight import conf
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    BUREAU_LEADER_ROLES,
    Article,
    ArticleKind,
    ArticleStatus,
    Commendation,
    CommendationStatus,
    DispositionCase,
    DispositionTalk,
    GroupMembership,
    GroupRole,
    LeadingGroup,
    LiaisonAssignment,
    LiaisonPoint,
    Outcome,
    PointKind,
    Suggestion,
    SuggestionStatus,
    SupervisionVisit,
)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _transition(obj: models.Model, allowed: dict, to: str) -> None:
    """Move `obj.status` to `to` if the table `allowed` (from → set of to) permits it."""
    if to not in allowed.get(obj.status, ()):
        labels = dict(type(obj)._meta.get_field("status").choices)
        raise ValidationError(
            _("Cannot go from “%(current)s” to “%(target)s”.")
            % {"current": labels[obj.status], "target": labels[to]}
        )
    obj.status = to


def enrollment_of(campaign: Campaign, organization: Organization) -> Enrollment | None:
    """The enrolment of `campaign` that covers `organization` (itself or an ancestor)."""
    steplen = Organization.steplen
    ancestors = [
        organization.path[:end] for end in range(steplen, len(organization.path) + 1, steplen)
    ]
    return (
        Enrollment.objects.filter(campaign=campaign, organization__path__in=ancestors)
        .select_related("organization", "batch")
        .first()
    )


# -- leading groups (R25) ------------------------------------------------------------------


def default_group_name(campaign: Campaign) -> str:
    return _("%(campaign)s leading group") % {"campaign": campaign.title}


def create_leading_group(
    campaign: Campaign,
    organization: Organization,
    *,
    name: str = "",
    established_on: date | None = None,
    acting: Scope | None,
) -> LeadingGroup:
    """The leading group of the bureau (the campaign's organisation) or of an enrolled unit."""
    require_acting(acting, lambda scope: scope.can_manage_org(organization))
    is_bureau = organization.pk == campaign.organization_id
    enrolled = Enrollment.objects.filter(campaign=campaign, organization=organization).exists()
    if not (is_bureau or enrolled):
        raise ValidationError(
            _("%(unit)s is neither the campaign's organisation nor an enrolled unit.")
            % {"unit": organization}
        )
    if LeadingGroup.objects.filter(campaign=campaign, organization=organization).exists():
        raise ValidationError(_("%(unit)s already has a leading group.") % {"unit": organization})
    return LeadingGroup.objects.create(
        campaign=campaign,
        organization=organization,
        name=name or default_group_name(campaign),
        established_on=established_on,
    )


def add_group_member(
    group: LeadingGroup,
    member: Member,
    *,
    role: str,
    duty: str = "",
    is_responsible: bool = False,
    acting: Scope | None,
) -> GroupMembership:
    """Put a member of the group's organisation (the bureau: anyone in it) into the group."""
    require_acting(acting, lambda scope: scope.can_manage_org(group.organization))
    if role not in GroupRole.values:
        raise ValidationError(_("Unknown role in the group."))
    if not member.organization.is_in_subtree_of(group.organization):
        raise ValidationError(
            _("%(member)s is not a member of %(unit)s.")
            % {"member": member, "unit": group.organization}
        )
    if GroupMembership.objects.filter(group=group, member=member).exists():
        raise ValidationError(_("%(member)s is already in the group.") % {"member": member})
    with transaction.atomic():
        if is_responsible:
            group.memberships.update(is_responsible=False)
        return GroupMembership.objects.create(
            group=group, member=member, role=role, duty=duty, is_responsible=is_responsible
        )


def remove_group_member(membership: GroupMembership, *, acting: Scope | None) -> None:
    require_acting(acting, lambda scope: scope.can_manage_org(membership.group.organization))
    membership.delete()


def mark_responsible(membership: GroupMembership, *, acting: Scope | None) -> GroupMembership:
    """Mark the group's 一把手 (one per group: the previous mark moves)."""
    require_acting(acting, lambda scope: scope.can_manage_org(membership.group.organization))
    with transaction.atomic():
        GroupMembership.objects.filter(group_id=membership.group_id).exclude(
            pk=membership.pk
        ).update(is_responsible=False)
        membership.is_responsible = True
        membership.save(update_fields=["is_responsible"])
    return membership


def bureau_group(campaign: Campaign) -> LeadingGroup | None:
    return LeadingGroup.objects.filter(
        campaign=campaign, organization_id=campaign.organization_id
    ).first()


def bureau_leaders(campaign: Campaign) -> list[Member]:
    """The bureau leaders: the leader and deputies of the bureau's leading group (六.1)."""
    memberships = (
        GroupMembership.objects.filter(
            group__campaign=campaign,
            group__organization_id=campaign.organization_id,
            role__in=BUREAU_LEADER_ROLES,
        )
        .select_related("member")
        .order_by("role", "pk")
    )
    order = {role: index for index, role in enumerate(BUREAU_LEADER_ROLES)}
    return [m.member for m in sorted(memberships, key=lambda m: (order[m.role], m.pk))]


# -- liaison points (R26) ------------------------------------------------------------------


def set_liaison_point(
    campaign: Campaign,
    leader: Member,
    kind: str,
    organization: Organization,
    *,
    acting: Scope | None,
) -> LiaisonPoint:
    """Set a bureau leader's liaison-point unit (a school or unit) or department (处室)."""
    require_acting(acting, lambda scope: scope.is_office_over(organization))
    if kind not in PointKind.values:
        raise ValidationError(_("Unknown kind of liaison point."))
    if leader.pk not in {m.pk for m in bureau_leaders(campaign)}:
        raise ValidationError(
            _("%(member)s is not a leader of the bureau's leading group.") % {"member": leader}
        )
    if not organization.is_in_subtree_of(campaign.organization) or (
        organization.pk == campaign.organization_id
    ):
        raise ValidationError(
            _("%(unit)s is not a unit under the campaign's organisation.") % {"unit": organization}
        )
    is_department = organization.category == OrgCategory.ORGAN
    if kind == PointKind.DEPARTMENT and not is_department:
        raise ValidationError(
            _("%(unit)s is not a department of the bureau.") % {"unit": organization}
        )
    if kind == PointKind.UNIT and is_department:
        raise ValidationError(
            _("%(unit)s is a department; choose a school or unit.") % {"unit": organization}
        )
    point, _created = LiaisonPoint.objects.update_or_create(
        campaign=campaign, leader=leader, kind=kind, defaults={"organization": organization}
    )
    return point


# -- liaison officers (R27) ----------------------------------------------------------------


def dispatch_officer(
    batch: Batch,
    officer,
    organization: Organization,
    *,
    by=None,
    today: date | None = None,
    acting: Scope | None,
) -> LiaisonAssignment:
    """Dispatch `officer` to a unit of `batch`: a liaison grant dated with the batch.

    The unit must be enrolled in the batch (or lie inside an enrolled unit): batch 1's
    officers go to the bureau's departments and units, batch 2's to the schools (六.3).
    A plain liaison grant the officer already holds on the unit (one made by hand, not by
    a dispatch) is taken over and dated; a grant of another dispatch is refused.
    """
    require_acting(acting, lambda scope: scope.is_office_over(organization))
    batch.campaign.check_writable()
    enrollment = enrollment_of(batch.campaign, organization)
    if enrollment is None or enrollment.batch_id != batch.pk:
        raise ValidationError(
            _("%(unit)s is not a unit of %(batch)s.") % {"unit": organization, "batch": batch}
        )
    existing = RoleGrant.objects.filter(
        user=officer, role=Role.LIAISON, organization=organization
    ).first()
    if existing is not None and LiaisonAssignment.objects.filter(grant=existing).exists():
        other = LiaisonAssignment.objects.select_related("batch").get(grant=existing)
        raise ValidationError(
            _("%(officer)s is already dispatched to %(unit)s for %(batch)s.")
            % {"officer": officer, "unit": organization, "batch": other.batch}
        )
    with transaction.atomic():
        if existing is None:
            grant = RoleGrant.objects.create(
                user=officer,
                role=Role.LIAISON,
                organization=organization,
                starts_on=batch.starts_on,
                ends_on=batch.ends_on,
            )
        else:
            existing.starts_on, existing.ends_on = batch.starts_on, batch.ends_on
            existing.save(update_fields=["starts_on", "ends_on"])
            grant = existing
        return LiaisonAssignment.objects.create(
            batch=batch,
            officer=officer,
            organization=organization,
            grant=grant,
            dispatched_by=by,
            dispatched_on=_today(today),
        )


def withdraw_assignment(
    assignment: LiaisonAssignment, *, today: date | None = None, acting: Scope | None
) -> None:
    """Recall an officer: the grant is deleted, so access ends at once; the record stays."""
    require_acting(acting, lambda scope: scope.is_office_over(assignment.organization))
    assignment.batch.campaign.check_writable()
    if assignment.withdrawn_on is not None:
        raise ValidationError(_("This officer has already been recalled."))
    with transaction.atomic():
        grant = assignment.grant
        assignment.grant = None
        assignment.withdrawn_on = _today(today)
        assignment.save(update_fields=["grant", "withdrawn_on"])
        if grant is not None:
            grant.delete()


def record_visit(
    assignment: LiaisonAssignment,
    *,
    by,
    visited_on: date,
    checked: str,
    findings: str,
    suggestions: list[str],
    today: date | None = None,
    acting: Scope | None,
) -> SupervisionVisit:
    """Record a visit to the assigned unit, with its suggestions (each one to be answered).

    The visit is dated within the batch and not in the future; each suggestion is due
    `conf.suggestion_answer_days` days after the visit.
    """
    require_acting(acting, lambda scope: scope.can_record_visit(assignment))
    today = _today(today)
    if assignment.officer_id != by.pk or not assignment.is_active(today):
        raise ValidationError(_("Only the dispatched officer records visits, during the batch."))
    batch = assignment.batch
    if not (batch.starts_on <= visited_on <= min(batch.ends_on, today)):
        raise ValidationError(
            _("The visit must be dated between %(start)s and %(end)s.")
            % {"start": format_date(batch.starts_on), "end": format_date(min(batch.ends_on, today))}
        )
    texts = [text.strip() for text in suggestions if text.strip()]
    due = visited_on + timedelta(days=conf.suggestion_answer_days(batch.campaign))
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            assignment=assignment,
            organization=assignment.organization,
            visited_on=visited_on,
            checked=checked,
            findings=findings,
            recorded_by=by,
        )
        with revision.attributed_to(attribution.units_of(visit)):  # a bulk write of its unit
            Suggestion.objects.bulk_create(
                [Suggestion(visit=visit, text=text, answer_due_on=due) for text in texts]
            )
    return visit


_SUGGESTION_FLOW = {
    SuggestionStatus.OPEN: {SuggestionStatus.ANSWERED},
    SuggestionStatus.RETURNED: {SuggestionStatus.ANSWERED},
    SuggestionStatus.ANSWERED: {SuggestionStatus.ACCEPTED, SuggestionStatus.RETURNED},
    SuggestionStatus.ACCEPTED: set(),
}


def answer_suggestion(
    suggestion: Suggestion, *, by, answer: str, today: date | None = None, acting: Scope | None
) -> Suggestion:
    """The unit's answer: what it did or will do about the suggestion."""
    require_acting(acting, lambda scope: scope.can_manage_org(suggestion.visit.organization))
    if not answer.strip():
        raise ValidationError(_("Write the answer."))
    _transition(suggestion, _SUGGESTION_FLOW, SuggestionStatus.ANSWERED)
    suggestion.answer = answer.strip()
    suggestion.answered_on = _today(today)
    suggestion.answered_by = by
    suggestion.save()
    return suggestion


def accept_suggestion(
    suggestion: Suggestion, *, by, today: date | None = None, acting: Scope | None
) -> Suggestion:
    """The officer (or the office) accepts the unit's answer: the suggestion is closed."""
    require_acting(acting, lambda scope: scope.can_review_suggestion(suggestion))
    _transition(suggestion, _SUGGESTION_FLOW, SuggestionStatus.ACCEPTED)
    suggestion.accepted_on = _today(today)
    suggestion.accepted_by = by
    suggestion.save()
    return suggestion


def return_suggestion(
    suggestion: Suggestion, *, by, note: str, today: date | None = None, acting: Scope | None
) -> Suggestion:
    """The answer does not do: back to the unit with a note and a new deadline."""
    require_acting(acting, lambda scope: scope.can_review_suggestion(suggestion))
    if not note.strip():
        raise ValidationError(_("Say why the answer is returned."))
    today = _today(today)
    _transition(suggestion, _SUGGESTION_FLOW, SuggestionStatus.RETURNED)
    suggestion.review_note = note.strip()
    campaign = suggestion.visit.assignment.batch.campaign
    suggestion.answer_due_on = today + timedelta(days=conf.suggestion_answer_days(campaign))
    suggestion.save()
    return suggestion


# Offered by the rectification app through the registry, when it is installed.
CREATE_ITEM = "create_item_from_source"


def can_convert_to_rectification() -> bool:
    return registry.service(CREATE_ITEM) is not None


def convert_to_rectification(
    suggestion: Suggestion, *, by=None, today: date | None = None, acting: Scope | None
):
    """Make the suggestion a rectification item, through the rectification module.

    Calls `vanguard.rectification.services.create_item_from_source(suggestion,
    campaign=…, organization=<the visited unit>, problem=<the suggestion's text>)`; the item
    it returns is linked to the suggestion (the rectification module links it back to its
    source). Refused when the module does not offer that function or the suggestion was
    converted already. `by` is recorded by the audit trail's middleware, not passed on.
    """
    require_acting(acting, lambda scope: scope.can_manage_org(suggestion.visit.organization))
    create = registry.service(CREATE_ITEM)
    if create is None:
        raise ValidationError(_("Rectification items cannot be created yet."))
    if suggestion.item_id is not None or suggestion.converted_on is not None:
        raise ValidationError(_("This suggestion is already a rectification item."))
    visit = suggestion.visit
    with transaction.atomic():
        item = create(
            suggestion,
            campaign=visit.assignment.batch.campaign,
            organization=visit.organization,
            problem=suggestion.text,
            acting=acting,
        )
        if isinstance(item, models.Model):
            suggestion.item_type = ContentType.objects.get_for_model(item)
            suggestion.item_id = item.pk
        suggestion.converted_on = _today(today)
        suggestion.save()
    return item


def open_suggestions(queryset=None):
    queryset = Suggestion.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=(*AWAITING_ANSWER, SuggestionStatus.ANSWERED))


# -- publicity (R29) -----------------------------------------------------------------------

_ARTICLE_FLOW = {
    ArticleStatus.DRAFT: {ArticleStatus.SUBMITTED},
    ArticleStatus.RETURNED: {ArticleStatus.SUBMITTED},
    ArticleStatus.SUBMITTED: {ArticleStatus.PUBLISHED, ArticleStatus.RETURNED},
    ArticleStatus.PUBLISHED: {ArticleStatus.RETURNED},  # taken down from the public site
}
EDITABLE_ARTICLE = (ArticleStatus.DRAFT, ArticleStatus.RETURNED)


def _check_article(campaign, organization, kind, member) -> None:
    if not organization.is_in_subtree_of(campaign.organization):
        raise ValidationError(
            _("%(unit)s is outside the campaign's organisation") % {"unit": organization}
        )
    if kind == ArticleKind.DEEDS:
        if member is None:
            raise ValidationError(_("Name the model member whose deeds these are."))
        if not member.organization.is_in_subtree_of(organization):
            raise ValidationError(
                _("%(member)s is not a member of %(unit)s.")
                % {"member": member, "unit": organization}
            )


def create_article(
    campaign: Campaign,
    organization: Organization,
    *,
    author,
    kind: str,
    title: str,
    body: str,
    member: Member | None = None,
    acting: Scope | None,
) -> Article:
    """A draft: news of the unit's campaign, or a model member's deeds."""
    require_acting(acting, lambda scope: scope.can_manage_org(organization))
    if kind != ArticleKind.DEEDS:
        member = None
    _check_article(campaign, organization, kind, member)
    return Article.objects.create(
        campaign=campaign,
        organization=organization,
        kind=kind,
        member=member,
        title=title,
        body=body,
        author=author,
    )


def update_article(
    article: Article, *, title: str, body: str, member: Member | None = None, acting: Scope | None
):
    require_acting(acting, lambda scope: scope.can_manage_org(article.organization))
    if article.status not in EDITABLE_ARTICLE:
        raise ValidationError(_("Only a draft or a returned article can be edited."))
    if article.kind == ArticleKind.DEEDS:
        _check_article(article.campaign, article.organization, article.kind, member)
        article.member = member
    article.title, article.body = title, body
    article.save()
    return article


def submit_article(article: Article, *, acting: Scope | None) -> Article:
    require_acting(acting, lambda scope: scope.can_manage_org(article.organization))
    _transition(article, _ARTICLE_FLOW, ArticleStatus.SUBMITTED)
    article.save()
    return article


def publish_article(
    article: Article, *, by, today: date | None = None, acting: Scope | None
) -> Article:
    """The office's review passed: the article goes on the public site."""
    require_acting(acting, lambda scope: scope.is_office_over(article.organization))
    _transition(article, _ARTICLE_FLOW, ArticleStatus.PUBLISHED)
    article.reviewed_by = by
    article.published_on = _today(today)
    article.review_note = ""
    article.save()
    return article


def return_article(article: Article, *, by, note: str, acting: Scope | None) -> Article:
    """Back to the unit with a note (also takes a published article off the public site)."""
    require_acting(acting, lambda scope: scope.is_office_over(article.organization))
    if not note.strip():
        raise ValidationError(_("Say what should change."))
    _transition(article, _ARTICLE_FLOW, ArticleStatus.RETURNED)
    article.reviewed_by = by
    article.review_note = note.strip()
    article.published_on = None
    article.save()
    return article


# -- commendations (R29) -------------------------------------------------------------------

_COMMENDATION_FLOW = {
    CommendationStatus.NOMINATED: {
        CommendationStatus.APPROVED,
        CommendationStatus.REJECTED,
        CommendationStatus.WITHDRAWN,
    },
    CommendationStatus.APPROVED: {CommendationStatus.PUBLISHED, CommendationStatus.REJECTED},
    CommendationStatus.REJECTED: set(),
    CommendationStatus.WITHDRAWN: set(),
    CommendationStatus.PUBLISHED: set(),
}


def nominate(
    campaign: Campaign,
    kind: str,
    *,
    unit: Organization,
    citation: str,
    by,
    member: Member | None = None,
    organization: Organization | None = None,
    today: date | None = None,
    acting: Scope | None,
) -> Commendation:
    """A unit nominates one of its members or organisations for a commendation kind."""
    require_acting(acting, lambda scope: scope.can_manage_org(unit))
    try:
        definition = next(k for k in campaign.rules.commendation_kinds if k.code == kind)
    except StopIteration:
        raise ValidationError(_("Unknown commendation.")) from None
    subject = member if definition.subject == "member" else organization
    if subject is None:
        raise ValidationError(_subject_message(definition))
    subject_org = subject.organization if definition.subject == "member" else subject
    if not subject_org.is_in_subtree_of(unit) or not unit.is_in_subtree_of(campaign.organization):
        raise ValidationError(
            _("%(subject)s is not under %(unit)s.") % {"subject": subject, "unit": unit}
        )
    live = Commendation.objects.filter(campaign=campaign, kind=kind).exclude(
        status__in=[CommendationStatus.REJECTED, CommendationStatus.WITHDRAWN]
    )
    field = "member" if definition.subject == "member" else "organization"
    if live.filter(**{field: subject}).exists():
        raise ValidationError(
            _("%(subject)s is already nominated for %(kind)s.")
            % {"subject": subject, "kind": definition.title}
        )
    return Commendation.objects.create(
        campaign=campaign,
        kind=kind,
        nominated_by_unit=unit,
        citation=citation,
        nominated_by=by,
        nominated_on=_today(today),
        **{field: subject},
    )


def _subject_message(definition) -> str:
    if definition.subject == "member":
        return _("%(kind)s commends a member: choose one.") % {"kind": definition.title}
    return _("%(kind)s commends an organisation: choose one.") % {"kind": definition.title}


def review_nomination(
    commendation: Commendation,
    *,
    approve: bool,
    by,
    note: str = "",
    today: date | None = None,
    acting: Scope | None,
) -> Commendation:
    """The office's review: approved, or not approved (with a note)."""
    require_acting(acting, lambda scope: scope.is_office_over(commendation.nominated_by_unit))
    target = CommendationStatus.APPROVED if approve else CommendationStatus.REJECTED
    if not approve and not note.strip():
        raise ValidationError(_("Say why the nomination is not approved."))
    _transition(commendation, _COMMENDATION_FLOW, target)
    commendation.reviewed_by = by
    commendation.reviewed_on = _today(today)
    commendation.review_note = note.strip()
    commendation.save()
    return commendation


def publish_commendation(
    commendation: Commendation, *, today: date | None = None, acting: Scope | None
):
    require_acting(acting, lambda scope: scope.is_office_over(commendation.nominated_by_unit))
    _transition(commendation, _COMMENDATION_FLOW, CommendationStatus.PUBLISHED)
    commendation.published_on = _today(today)
    commendation.save()
    return commendation


def withdraw_nomination(commendation: Commendation, *, acting: Scope | None) -> Commendation:
    require_acting(acting, lambda scope: scope.can_manage_org(commendation.nominated_by_unit))
    _transition(commendation, _COMMENDATION_FLOW, CommendationStatus.WITHDRAWN)
    commendation.save()
    return commendation


# -- non-qualifying members (R23) ----------------------------------------------------------


def open_case(
    campaign: Campaign,
    member: Member,
    *,
    by,
    opened_on: date,
    reason: str,
    today: date | None = None,
    acting: Scope | None,
) -> DispositionCase:
    """Open a case for a member who does not fulfil a member's duties or conditions."""
    require_acting(acting, lambda scope: scope.can_manage_member(member))
    if opened_on > _today(today):
        raise ValidationError(_("The date cannot be in the future."))
    if not member.organization.is_in_subtree_of(campaign.organization):
        raise ValidationError(
            _("%(member)s is outside the campaign's organisation") % {"member": member}
        )
    if DispositionCase.objects.filter(campaign=campaign, member=member, outcome="").exists():
        raise ValidationError(_("%(member)s already has an open case.") % {"member": member})
    return DispositionCase.objects.create(
        campaign=campaign, member=member, opened_on=opened_on, reason=reason, opened_by=by
    )


def _check_step_date(case: DispositionCase, on: date, today: date | None) -> None:
    if case.is_concluded:
        raise ValidationError(_("The case is concluded."))
    if on > _today(today):
        raise ValidationError(_("The date cannot be in the future."))
    if on < case.opened_on:
        raise ValidationError(
            _("The date cannot be before the case was opened (%(date)s).")
            % {"date": format_date(case.opened_on)}
        )


def record_talk(
    case: DispositionCase,
    *,
    held_on: date,
    talked_by: str,
    summary: str,
    today: date | None = None,
    acting: Scope | None,
) -> DispositionTalk:
    """An education talk with the member (五.3: 要多做教育工作)."""
    require_acting(acting, lambda scope: scope.can_manage_member(case.member))
    _check_step_date(case, held_on, today)
    return DispositionTalk.objects.create(
        case=case, held_on=held_on, talked_by=talked_by, summary=summary
    )


def set_deadline(
    case: DispositionCase,
    *,
    set_on: date,
    improve_by: date,
    today: date | None = None,
    acting: Scope | None,
) -> DispositionCase:
    """A deadline to improve, after at least one education talk."""
    require_acting(acting, lambda scope: scope.can_manage_member(case.member))
    _check_step_date(case, set_on, today)
    if not case.talks.exists():
        raise ValidationError(_("Record an education talk before setting a deadline."))
    if improve_by <= set_on:
        raise ValidationError(_("The deadline must be after the day it is set."))
    case.deadline_set_on, case.improve_by = set_on, improve_by
    case.save()
    return case


def conclude_case(
    case: DispositionCase,
    *,
    outcome: str,
    outcome_on: date,
    note: str = "",
    today: date | None = None,
    acting: Scope | None,
) -> DispositionCase:
    """The outcome (五.3 end): transformed after education; handled by the normal procedure
    when still not corrected after education and the deadline; or a disciplinary sanction
    for a breach of discipline (which needs no deadline)."""
    require_acting(acting, lambda scope: scope.can_manage_member(case.member))
    _check_step_date(case, outcome_on, today)
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose an outcome."))
    if outcome != Outcome.DISCIPLINE and not case.talks.exists():
        raise ValidationError(_("Record an education talk first."))
    if outcome == Outcome.PROCEDURE:
        if case.improve_by is None:
            raise ValidationError(_("Set a deadline to improve before the procedure."))
        if outcome_on < case.improve_by:
            raise ValidationError(
                _("The procedure starts only after the deadline (%(date)s).")
                % {"date": format_date(case.improve_by)}
            )
    case.outcome, case.outcome_on, case.outcome_note = outcome, outcome_on, note
    case.save()
    return case
