"""Keeps each member's stored study hours (`MemberHours`) current when attendance or a
session changes one row at a time (a check-in, an edited session, the admin). The
roll-call writes marks in bulk and refreshes the sums itself (`services.save_roll`)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from vanguard.study.hours import refresh_member_hours
from vanguard.study.models import Attendance, StudySession


@receiver(post_save, sender=Attendance, dispatch_uid="study-hours-mark")
def mark_saved(sender, instance: Attendance, update_fields=None, **kwargs):
    if update_fields is not None and "status" not in update_fields:
        return
    campaign = StudySession.objects.filter(pk=instance.session_id).values_list(
        "enrollment__campaign", flat=True
    )
    refresh_member_hours(campaign.get(), [instance.member_id])


@receiver(post_delete, sender=Attendance, dispatch_uid="study-hours-mark-gone")
def mark_deleted(sender, instance: Attendance, **kwargs):
    """A mark deleted (the admin, a queryset's delete): its member's sum again."""
    campaign = StudySession.objects.filter(pk=instance.session_id).values_list(
        "enrollment__campaign", flat=True
    )
    campaign_id = campaign.first()
    if campaign_id is not None:
        refresh_member_hours(campaign_id, [instance.member_id])


@receiver(post_save, sender=StudySession, dispatch_uid="study-hours-session")
def session_saved(sender, instance: StudySession, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "hours" not in update_fields):
        return  # a new session has no marks; a save that leaves the hours changes no sum
    members = instance.attendances.values_list("member", flat=True)
    refresh_member_hours(instance.enrollment.campaign_id, list(members))


@receiver(pre_delete, sender=StudySession, dispatch_uid="study-hours-session-going")
def session_deleting(sender, instance: StudySession, **kwargs):
    instance._marked_members = list(instance.attendances.values_list("member", flat=True))


@receiver(post_delete, sender=StudySession, dispatch_uid="study-hours-session-gone")
def session_deleted(sender, instance: StudySession, **kwargs):
    refresh_member_hours(instance.enrollment.campaign_id, instance._marked_members)
