"""The Django admin of rectification, for system administrators; everyday work happens on the
app's own pages, where access is decided by `request.scope`."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vanguard.rectification.models import (
    Cultivation,
    Mechanism,
    Occurrence,
    Pairing,
    PracticalDeed,
    ProgressNote,
    PublicComment,
    RectificationItem,
)


@admin.register(RectificationItem)
class RectificationItemAdmin(SimpleHistoryAdmin):
    list_display = ["problem", "organization", "level", "status", "progress", "deadline"]
    list_filter = ["level", "status", "campaign"]
    search_fields = ["problem", "measures"]
    raw_id_fields = ["member", "responsible", "enrollment", "organization"]


@admin.register(PublicComment)
class PublicCommentAdmin(admin.ModelAdmin):
    list_display = ["text", "item", "posted_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["item"]


for model in (ProgressNote, PracticalDeed, Mechanism, Occurrence, Cultivation, Pairing):
    admin.site.register(model, SimpleHistoryAdmin)
