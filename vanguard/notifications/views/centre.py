"""The notification centre, each user's delivery choices, the office's delivery log and the
units' group robots. Access: `request.scope` (accounts.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.core import registry
from vanguard.notifications import channels
from vanguard.notifications.delivery import addresses, chosen_channels
from vanguard.notifications.forms import GroupRobotForm, PreferencesForm
from vanguard.notifications.models import (
    PERSONAL_CHANNELS,
    Channel,
    Delivery,
    DeliveryStatus,
    Preferences,
)
from vanguard.orgs.models import Member

PAGE_SIZE = 30


@login_required
def inbox(request):
    notifications = request.scope.notifications()
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": notifications.unread().count()},
    )


@login_required
@require_POST
def open_notification(request, pk):
    notification = request.scope.get_notification_or_404(pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "notifications:index")


@login_required
@require_POST
def read_all(request):
    count = request.scope.notifications().unread().update(read_at=timezone.now())
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:index")


@login_required
def preferences(request):
    prefs = Preferences.objects.filter(user=request.user).first() or Preferences(user=request.user)
    events = registry.notification_events()
    form = PreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        prefs = form.save(commit=False)
        prefs.channels = {
            event.code: [c for c in PERSONAL_CHANNELS if f"{event.code}:{c}" in request.POST]
            for event in events
        }
        prefs.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    member_phone = (
        Member.objects.filter(user=request.user).values_list("phone", flat=True).first() or ""
    )
    reachable = addresses(request.user, prefs if prefs.pk else None, member_phone)
    rows = [
        {
            "event": event,
            "chosen": set(chosen_channels(prefs if prefs.pk else None, event.code)),
        }
        for event in events
    ]
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "rows": rows,
            "channels": [(c, Channel(c).label, c in reachable) for c in PERSONAL_CHANNELS],
            "configured": [c for c in PERSONAL_CHANNELS if channels.configured(c)],
            "reachable": reachable,
        },
    )


@login_required
def delivery_log(request):
    if not request.scope.reads_delivery_log:
        raise Http404
    deliveries = Delivery.objects.select_related("notification__recipient").order_by(
        "-next_attempt_at", "-pk"
    )
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/log.html",
        {"page": page, "status": status, "statuses": DeliveryStatus.choices},
    )


@login_required
@require_POST
def retry_delivery(request, pk):
    if not request.scope.reads_delivery_log:
        raise Http404
    delivery = Delivery.objects.filter(pk=pk, status=DeliveryStatus.FAILED).first()
    if delivery is None:
        raise Http404
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    messages.success(request, _("The message will be sent again at the next run."))
    return redirect("notifications:log")


@login_required
def robots(request):
    scope = request.scope
    if not scope.manages_group_robots:
        raise Http404
    organizations = scope.managed_orgs()
    form = GroupRobotForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The group robot is added."))
        return redirect("notifications:robots")
    return render(
        request,
        "notifications/robots.html",
        {"form": form, "robots": scope.group_robots().select_related("organization")},
    )


@login_required
@require_POST
def toggle_robot(request, pk):
    robot = request.scope.get_group_robot_or_404(pk)
    robot.active = not robot.active
    robot.save(update_fields=["active"])
    messages.success(
        request,
        _("The group robot is switched on.") if robot.active else _("The group robot is off."),
    )
    return redirect("notifications:robots")
