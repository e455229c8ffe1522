"""学习体会 and 调研文章 (五.1(4)二: 交流…学习体会、调研文章; 开辟先进性教育活动专栏).

A member submits a writing; their unit returns it for revision or accepts it; an accepted
writing may be recommended to the campaign office, which publishes it in the campaign's
public column, or takes it down again. A returned writing is revised by its author and
submitted again. Each move is refused to anyone but its actor, and from any other state
(`TRANSITIONS`). The part exists when the template names `writing_kinds`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Campaign
from vanguard.study.models import Writing, WritingStatus
from vanguard.study.online import has_part

S = WritingStatus
# action: (states it starts from, state it leads to, who acts)
TRANSITIONS = {
    "return": ((S.SUBMITTED, S.ACCEPTED), S.RETURNED, "unit"),
    "accept": ((S.SUBMITTED,), S.ACCEPTED, "unit"),
    "recommend": ((S.ACCEPTED,), S.RECOMMENDED, "unit"),
    "publish": ((S.RECOMMENDED,), S.PUBLISHED, "office"),
    "unpublish": ((S.PUBLISHED,), S.RECOMMENDED, "office"),
}


def writings_on(campaign: Campaign) -> bool:
    return has_part(campaign, "writings", bool(campaign.rules.writing_kinds))


def published(campaign: Campaign | None = None) -> QuerySet[Writing]:
    """The public column: published writings, newest first."""
    found = Writing.objects.filter(status=S.PUBLISHED).select_related(
        "member", "enrollment__organization", "campaign"
    )
    if campaign is not None:
        found = found.filter(campaign=campaign)
    return found.order_by("-published_at", "-pk")


def submit(form, *, enrollment, acting) -> Writing:
    """The acting member submits a new writing, or resubmits their returned one."""
    writing = form.instance
    member = acting.member
    if member is None or (writing.pk and writing.member_id != member.pk):
        raise PermissionDenied
    if writing.pk and writing.status != S.RETURNED:
        raise ValidationError(_("Only a writing returned for revision can be changed."))
    writing = form.save(commit=False)
    if not writing.pk:
        writing.campaign = enrollment.campaign
        writing.enrollment = enrollment
        writing.member = member
    writing.status = S.SUBMITTED
    writing.submitted_at = timezone.now()
    writing.save()
    return writing


def allowed_actions(writing: Writing, scope) -> list[str]:
    """The moves `scope` may make on the writing now."""
    may = {
        "unit": scope.can_review_writing(writing),
        "office": scope.is_campaign_office(writing.campaign),
    }
    return [
        action
        for action, (sources, _target, actor) in TRANSITIONS.items()
        if writing.status in sources and may[actor]
    ]


def act(writing: Writing, action: str, *, acting, note: str = "") -> Writing:
    if acting is not None:  # the unit's managers and the campaign office act on writings
        acting.require(
            acting.can_review_writing(writing) or acting.is_campaign_office(writing.campaign)
        )
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    sources, target, actor = TRANSITIONS[action]
    if acting is not None:
        allowed = (
            acting.can_review_writing(writing)
            if actor == "unit"
            else acting.is_campaign_office(writing.campaign)
        )
        acting.require(allowed)
    if writing.status not in sources:
        raise ValidationError(
            _("This cannot be done to a writing that is “%(status)s”.")
            % {"status": writing.get_status_display()}
        )
    now = timezone.now()
    writing.status = target
    if actor == "unit":
        writing.reviewed_by = getattr(acting, "user", None)
        writing.reviewed_at = now
        if note:
            writing.review_note = note
    if action == "recommend":
        writing.recommended_at = now
    if action == "publish":
        writing.published_at = now
    if action == "unpublish":
        writing.published_at = None
    writing.save()
    return writing
