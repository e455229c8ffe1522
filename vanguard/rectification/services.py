"""State changes of rectification: items (made by hand or from any source record), their
status, progress notes, evidence, publication, explanations and public comments; practical
deeds; long-term mechanisms, the 三培养 pipeline and pairings.

Views and the demo call these; tests call them directly. Every state-changing function
takes `acting=`, the acting user's scope (None: the system), and refuses (PermissionDenied)
what the scope does not allow, so a rule such as "only the upper level verifies" holds
whoever calls. Only the public's comment (`post_comment`) takes no scope.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization
from vanguard.rectification import workflow
from vanguard.rectification.models import (
    CommentStatus,
    Cultivation,
    EvidenceFile,
    Level,
    Mechanism,
    Occurrence,
    Pairing,
    PracticalDeed,
    ProgressNote,
    PublicComment,
    RectificationItem,
    SourceKind,
    Status,
)
from vanguard.rectification.workflow import Action, Actor

EDITABLE_FIELDS = ("problem", "measures", "responsible", "deadline", "weight", "from_public")
# Items made from these sources count, by default, as problems raised by the public (R30).
PUBLIC_KINDS = (SourceKind.OPINION, SourceKind.PUBLIC_COMMENT)


# -- where things belong ----------------------------------------------------------------------


def enrollment_for(campaign: Campaign, organization: Organization) -> Enrollment | None:
    """The enrolment of the campaign covering `organization` (itself or an ancestor)."""
    return (
        Enrollment.objects.filter(campaign=campaign)
        .covering(organization)
        .select_related("organization")
        .first()
    )


def source_unit(source) -> Organization | None:
    """The organisation a source record concerns: its `organization`, its member's, or its
    enrolment's — whichever it has."""
    org = getattr(source, "organization", None)
    if isinstance(org, Organization):
        return org
    for attribute in ("member", "enrollment"):
        related = getattr(source, attribute, None)
        org = getattr(related, "organization", None)
        if isinstance(org, Organization):
            return org
    return None


# The records an item may be made from through the generic "make an item of it" page, as
# (app label, model name): named, not imported, so rectification imports no other phase app.
SOURCE_MODELS = frozenset(
    {
        ("appraisal", "opinion"),
        ("appraisal", "appraisalconclusion"),
        ("oversight", "suggestion"),
        ("rectification", "publiccomment"),
    }
)


def source_model(app_label: str, model_name: str):
    """The model class of an allowed source, or None (unknown, uninstalled or not allowed)."""
    if (app_label, model_name) not in SOURCE_MODELS:
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def source_kind_for(source) -> str:
    """The kind of source a record is, from its app and model names (no import of them)."""
    if isinstance(source, PublicComment):
        return SourceKind.PUBLIC_COMMENT
    meta = source._meta
    if meta.app_label == "appraisal":
        return SourceKind.OPINION if "opinion" in meta.model_name else SourceKind.APPRAISAL
    if meta.app_label == "oversight":
        return SourceKind.FINDING
    return SourceKind.OTHER


# -- items -----------------------------------------------------------------------------------


def create_item(
    campaign: Campaign,
    *,
    level: str,
    problem: str,
    organization: Organization | None = None,
    member: Member | None = None,
    measures: str = "",
    responsible: Member | None = None,
    deadline: date | None = None,
    weight: Decimal | int = 1,
    from_public: bool = False,
    source_kind: str = SourceKind.TYPED,
    source_text: str = "",
    source=None,
    acting: Scope | None,
) -> RectificationItem:
    """Create an item at one of the three levels.

    A member's item belongs to the member's organisation; a base organisation's to an
    organisation inside an enrolled unit; the bureau's to the campaign's organisation.
    Whoever manages that organisation creates it (`acting`).
    """
    campaign.check_writable()  # an ended campaign is read-only
    organization, enrollment = _placement(campaign, level, organization, member)
    require_acting(acting, lambda scope: scope.can_manage_org(organization))
    if level == Level.MEMBER and responsible is None:
        responsible = member  # a member answers for their own item
    _check_responsible(
        responsible, enrollment.organization if enrollment else campaign.organization
    )
    if not problem.strip():
        raise ValidationError({"problem": _("Describe the problem.")})
    item = RectificationItem(
        campaign=campaign,
        enrollment=enrollment,
        organization=organization,
        level=level,
        member=member if level == Level.MEMBER else None,
        problem=problem.strip(),
        measures=measures.strip(),
        responsible=responsible,
        deadline=deadline,
        weight=weight,
        from_public=from_public,
        source_kind=source_kind,
        source_text=source_text,
    )
    if source is not None:
        item.source_type = ContentType.objects.get_for_model(source)
        item.source_id = source.pk
    item.save()
    return item


def _placement(campaign, level, organization, member):
    if level == Level.MEMBER:
        if member is None:
            raise ValidationError({"member": _("A member's own item names the member.")})
        organization = member.organization
    elif level == Level.BUREAU:
        return campaign.organization, None
    elif level != Level.ORGANIZATION:
        raise ValidationError({"level": _("Unknown level.")})
    if organization is None:
        raise ValidationError({"organization": _("Say which organisation the item is for.")})
    enrollment = enrollment_for(campaign, organization)
    if enrollment is None:
        raise ValidationError(
            _("%(unit)s is not enrolled in this campaign.") % {"unit": organization}
        )
    return organization, enrollment


def _check_responsible(responsible: Member | None, within: Organization) -> None:
    if responsible is not None and not responsible.organization.is_in_subtree_of(within):
        raise ValidationError(
            {"responsible": _("The responsible person must belong to %(unit)s.") % {"unit": within}}
        )


def create_item_from_source(
    source,
    *,
    campaign: Campaign,
    level: str = Level.ORGANIZATION,
    organization: Organization | None = None,
    problem: str | None = None,
    kind: str | None = None,
    from_public: bool | None = None,
    acting: Scope | None,
    **fields,
) -> RectificationItem:
    """Create an item from any record (an opinion, an appraisal conclusion, a liaison
    finding, a public comment …): linked to it generically, with a snapshot of what it said.

    The record needs only `__str__`; its organisation (`organization`, or its member's or
    enrolment's) places the item unless `organization` is given. A member's item for a
    record about a member (`source.member`) is made with `level=Level.MEMBER`.
    """
    text = str(source)
    kind = kind or source_kind_for(source)
    if level == Level.MEMBER and "member" not in fields:
        fields["member"] = getattr(source, "member", None) or (
            source if isinstance(source, Member) else None
        )
    if organization is None and level == Level.ORGANIZATION:
        organization = source_unit(source)
    if from_public is None:
        from_public = kind in PUBLIC_KINDS
    return create_item(
        campaign,
        level=level,
        organization=organization,
        problem=problem or text,
        source_kind=kind,
        source_text=text,
        source=source,
        from_public=from_public,
        acting=acting,
        **fields,
    )


def _locked(item: RectificationItem, user=None) -> RectificationItem:
    fresh = (
        RectificationItem.objects.select_for_update().select_related("organization").get(pk=item.pk)
    )
    if user is not None:
        fresh._history_user = user
    return fresh


def update_item(
    item: RectificationItem, *, acting: Scope | None, user=None, **changes
) -> RectificationItem:
    """Change an item's problem, measures, owner, deadline, weight or public flag."""
    require_acting(acting, lambda scope: scope.can_manage_item(item))
    item.campaign.check_writable()  # an ended campaign is read-only
    if item.status == Status.VERIFIED:
        raise ValidationError(
            _("A verified item is closed; the upper level reopens it to change it.")
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    within = item.enrollment.organization if item.enrollment_id else item.campaign.organization
    _check_responsible(changes.get("responsible"), within)
    with transaction.atomic():
        item = _locked(item, user)
        for name, value in changes.items():
            setattr(item, name, value.strip() if isinstance(value, str) else value)
        item.save()
    return item


def delete_item(item: RectificationItem, *, acting: Scope | None) -> None:
    """Delete an item the public has not seen; a published item stays on record."""
    require_acting(acting, lambda scope: scope.can_manage_item(item))
    item.campaign.check_writable()  # an ended campaign is read-only
    if item.is_published:
        raise ValidationError(_("A published item stays on record and cannot be deleted."))
    item.delete()


def apply_action(
    item: RectificationItem,
    action: str,
    *,
    acting: Scope | None,
    user=None,
    reason: str = "",
    progress: int = 0,
    today: date | None = None,
) -> RectificationItem:
    """Move an item along its life (see `workflow`), as the unit or as the upper level.

    Refuses with a clear message an action impossible from the item's status, and with
    PermissionDenied an action the user's level may not take.
    """
    item.campaign.check_writable()  # an ended campaign is read-only
    today = today or timezone.localdate()
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action."))
    upper = transition.actor == Actor.UPPER
    if upper and acting is not None and not acting.can_judge_item(item):
        raise PermissionDenied(_("Only the upper level may verify an item or reopen it."))
    if transition.actor == Actor.UNIT and acting is not None and not acting.can_manage_item(item):
        raise PermissionDenied(_("Only the unit's administrators may change the item's status."))
    with transaction.atomic():
        item = _locked(item, user)
        message = workflow.refusal(action, item.status)
        if message:
            raise ValidationError(message)
        _ACTIONS[action](item, user=user, reason=reason, progress=progress, today=today)
        item.status = transition.target
        item.save()
    return item


def _start(item, **_kwargs):
    pass


def _finish(item, *, today, **_kwargs):
    item.progress = 100
    item.done_on = today


def _verify(item, *, user, today, **_kwargs):
    item.verified_on = today
    item.verified_by = user


def _reopen(item, *, user, reason, progress, today):
    if not reason.strip():
        raise ValidationError(_("Give the reason why the rectification was ineffective."))
    if not 0 <= progress <= 99:
        raise ValidationError(_("Progress after reopening must be between 0 and 99 %."))
    item.reopen_reason = reason.strip()
    item.reopened_on = today
    item.reopened_by = user
    item.reopen_count += 1
    item.progress = progress
    item.done_on = item.verified_on = item.verified_by = None


_ACTIONS = {
    Action.START: _start,
    Action.FINISH: _finish,
    Action.VERIFY: _verify,
    Action.REOPEN: _reopen,
}


def add_note(
    item: RectificationItem,
    *,
    acting: Scope | None,
    progress: int,
    text: str,
    user=None,
    noted_on: date | None = None,
) -> ProgressNote:
    """Record a dated progress note; the item's progress becomes the note's.

    A planned item starts with its first note. 100 % is reached by marking the item done,
    and a done or verified item takes no more notes (only the upper level reopens it).
    """
    require_acting(acting, lambda scope: scope.can_report_progress(item))
    item.campaign.check_writable()  # an ended campaign is read-only
    today = timezone.localdate()
    noted_on = noted_on or today
    if noted_on > today:
        raise ValidationError({"noted_on": _("A progress note cannot be dated in the future.")})
    if not 0 <= progress <= 99:
        raise ValidationError(
            {"progress": _("Progress is between 0 and 99 %; mark the item done to reach 100 %.")}
        )
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    with transaction.atomic():
        item = _locked(item, user)
        if item.is_solved:
            raise ValidationError(
                _("The item is %(status)s; only the upper level can reopen it.")
                % {"status": item.get_status_display()}
            )
        if item.status == Status.PLANNED:
            item.status = Status.IN_PROGRESS
        item.progress = progress
        item.save()
        return ProgressNote.objects.create(
            item=item, noted_on=noted_on, progress=progress, text=text.strip(), author=user
        )


def add_evidence(
    *, title: str, file, user=None, item=None, deed=None, acting: Scope | None
) -> EvidenceFile:
    """Evidence of an item's progress (whoever reports it) or of a practical deed."""
    if item is not None:
        require_acting(acting, lambda scope: scope.can_report_progress(item))
    if deed is not None:
        require_acting(acting, lambda scope: scope.can_manage_org(deed.organization))
    return EvidenceFile.objects.create(
        item=item, deed=deed, title=title, file=file, uploaded_by=user
    )


def publish(item: RectificationItem, *, acting: Scope | None, user=None) -> RectificationItem:
    """Put an item on the public site. Publication is for good: the item and the history
    of its changes stay visible."""
    require_acting(acting, lambda scope: scope.can_manage_item(item))
    item.campaign.check_writable()  # an ended campaign is read-only
    if item.is_published:
        return item
    problems = publication_problems(item)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        item = _locked(item, user)
        item.published_at = timezone.now()
        item.save()
    return item


def publication_problems(item: RectificationItem) -> list[str]:
    """What an item lacks before the public may see it: measures, an owner, a deadline."""
    problems = []
    if not item.measures.strip():
        problems.append(_("The item has no measures yet."))
    if item.responsible_id is None:
        problems.append(_("The item has no responsible person."))
    if item.deadline is None:
        problems.append(_("The item has no deadline."))
    return problems


def publish_list(items, *, acting: Scope | None, user=None) -> tuple[int, int]:
    """Publish every unpublished item ready for it; return (published, left unpublished)."""
    published = skipped = 0
    for item in items.filter(published_at__isnull=True).select_related("organization"):
        if publication_problems(item):
            skipped += 1
            continue
        publish(item, acting=acting, user=user)
        published += 1
    return published, skipped


def explain(
    item: RectificationItem,
    *,
    acting: Scope | None,
    text: str,
    user=None,
    today: date | None = None,
) -> RectificationItem:
    """The unit's explanation to the public of an item it cannot solve yet (五.3(2))."""
    require_acting(acting, lambda scope: scope.can_manage_item(item))
    item.campaign.check_writable()  # an ended campaign is read-only
    if not text.strip():
        raise ValidationError({"text": _("Write the explanation.")})
    if item.is_solved:
        raise ValidationError(_("The item is solved; there is nothing to explain."))
    with transaction.atomic():
        item = _locked(item, user)
        item.explanation = text.strip()
        item.explained_on = today or timezone.localdate()
        item.save()
    return item


# -- public comments -------------------------------------------------------------------------


def post_comment(
    item: RectificationItem, *, text: str, name: str = "", contact: str = ""
) -> PublicComment:
    """A comment of the public, kept until a moderator shows or rejects it."""
    if not item.is_published:
        raise ValidationError(_("Comments are taken on published items only."))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    return PublicComment.objects.create(
        item=item, text=text.strip(), name=name.strip(), contact=contact.strip()
    )


def moderate(
    comment: PublicComment, *, acting: Scope | None, approve: bool, user=None
) -> PublicComment:
    require_acting(acting, lambda scope: scope.can_manage_item(comment.item))
    comment.status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    comment.moderated_by = user
    comment.moderated_on = timezone.localdate()
    comment.save(update_fields=["status", "moderated_by", "moderated_on"])
    return comment


# -- practical deeds and long-term mechanisms ------------------------------------------------


def record_deed(
    campaign: Campaign, *, organization: Organization, acting: Scope | None, **fields
) -> PracticalDeed:
    """Record a practical deed of a unit (or of the bureau, for the campaign's organisation)."""
    require_acting(acting, lambda scope: scope.can_manage_org(organization))
    campaign.check_writable()  # an ended campaign is read-only
    enrollment = None
    if organization.pk != campaign.organization_id:
        enrollment = enrollment_for(campaign, organization)
        if enrollment is None:
            raise ValidationError(
                _("%(unit)s is not enrolled in this campaign.") % {"unit": organization}
            )
    return PracticalDeed.objects.create(
        campaign=campaign, enrollment=enrollment, organization=organization, **fields
    )


def institute_mechanism(
    enrollment: Enrollment, *, kind: str, acting: Scope | None, **fields
) -> Mechanism:
    """Institute one of the template's recurring activities in a unit."""
    require_acting(acting, lambda scope: scope.can_manage_org(enrollment.organization))
    enrollment.campaign.check_writable()  # an ended campaign is read-only
    codes = {item.code for item in enrollment.campaign.rules.mechanisms}
    if kind not in codes:
        raise ValidationError({"kind": _("Not one of the campaign's long-term mechanisms.")})
    if Mechanism.objects.filter(enrollment=enrollment, kind=kind).exists():
        raise ValidationError({"kind": _("The unit has instituted this mechanism already.")})
    return Mechanism.objects.create(
        campaign=enrollment.campaign, enrollment=enrollment, kind=kind, **fields
    )


def record_occurrence(mechanism: Mechanism, *, acting: Scope | None, **fields) -> Occurrence:
    unit = mechanism.enrollment.organization
    require_acting(acting, lambda scope: scope.can_manage_org(unit))
    mechanism.campaign.check_writable()  # an ended campaign is read-only
    if fields["held_on"] > timezone.localdate():
        raise ValidationError({"held_on": _("Record an activity once it has been held.")})
    return Occurrence.objects.create(mechanism=mechanism, **fields)


def add_cultivation(organization: Organization, *, acting: Scope | None, **fields) -> Cultivation:
    require_acting(acting, lambda scope: scope.can_manage_org(organization))
    person = Cultivation(organization=organization, **fields)
    _check_stages(person)
    person.save()
    return person


def advance_cultivation(
    person: Cultivation,
    *,
    probationary_on: date | None = None,
    formal_on: date | None = None,
    acting: Scope | None,
) -> Cultivation:
    """Record that an activist became a probationary member, or a probationary one a full
    member."""
    require_acting(acting, lambda scope: scope.can_manage_org(person.organization))
    if probationary_on is not None:
        person.probationary_on = probationary_on
    if formal_on is not None:
        person.formal_on = formal_on
    _check_stages(person)
    person.save()
    return person


def _check_stages(person: Cultivation) -> None:
    if person.probationary_on and person.probationary_on < person.activist_on:
        raise ValidationError(
            {"probationary_on": _("A probationary member is admitted after being an activist.")}
        )
    if person.formal_on and not person.probationary_on:
        raise ValidationError(
            {"formal_on": _("A full member is first a probationary member, then a full member.")}
        )
    if person.formal_on and person.formal_on < person.probationary_on:
        raise ValidationError(
            {"formal_on": _("A full member is first a probationary member, then a full member.")}
        )


def add_pairing(member: Member, *, acting: Scope | None, **fields) -> Pairing:
    require_acting(acting, lambda scope: scope.can_manage_member(member))
    ended_on = fields.get("ended_on")
    if ended_on and ended_on < fields["started_on"]:
        raise ValidationError({"ended_on": _("A pairing ends after it starts.")})
    return Pairing.objects.create(organization=member.organization, member=member, **fields)
