"""Members leave or move; nothing of theirs is deleted.

A member's campaign records (attendance, notes, 五个一, quiz attempts, ballots' rolls,
opinions …) protect the member row from deletion (`on_delete=PROTECT`); a member who
leaves the organisation is kept, with the date and the reason, and is left out of the
active lists from that date. One who moves to another unit is transferred: a dated
`Transfer` row records from where to where and when (the history of transfers is kept,
one row per move), and the member's organisation changes. Their marks in the old unit
stay theirs; rolls of sessions held before the move still count them in the old unit.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vanguard.orgs.models import Member, Organization, Transfer


def leave(member: Member, *, on: date, reason: str, scope) -> Member:
    """Record that `member` left on `on` (for `reason`): a manager of the member's unit."""
    if not scope.can_manage_member(member):
        raise PermissionDenied
    if member.left_on is not None:
        raise ValidationError(
            _("%(name)s already left on %(date)s.") % {"name": member.name, "date": member.left_on}
        )
    if member.joined_on and on < member.joined_on:
        raise ValidationError(_("The date of leaving is before the member joined the Party."))
    with transaction.atomic():
        member.left_on = on
        member.left_reason = reason.strip()
        member.save(update_fields=["left_on", "left_reason"])
    return member


def move(member: Member, *, to: Organization, on: date, scope, user=None) -> Transfer:
    """Transfer `member` to `to` from `on` (a dated operation, kept): the manager of the
    member's unit, into a unit the same user manages; `scope=None` is the system (imports,
    demo). A transfer cannot predate the member's previous one."""
    if scope is not None and (not scope.can_manage_member(member) or not scope.can_manage_org(to)):
        raise PermissionDenied
    if member.left_on is not None:
        raise ValidationError(_("A member who has left cannot be moved."))
    if to.pk == member.organization_id:
        raise ValidationError(_("The member is already in %(org)s.") % {"org": to.name})
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        previous = locked.transfers.order_by("-on", "-pk").first()
        if previous is not None and on < previous.on:
            raise ValidationError(
                _("The member's previous move was on %(date)s; a move cannot be dated before it.")
                % {"date": date_format(previous.on)}
            )
        transfer = Transfer.objects.create(
            member=locked, from_org_id=locked.organization_id, to_org=to, on=on, recorded_by=user
        )
        member.organization = to
        member.organization_since = on
        member.save(update_fields=["organization", "organization_since"])
    return transfer
