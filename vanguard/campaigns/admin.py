from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vanguard.campaigns.models import Batch, Campaign, Enrollment, PhaseWindow, StepRecord


class BatchInline(admin.TabularInline[Batch, Campaign]):
    model = Batch
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "code", "organization", "starts_on", "ends_on"]
    inlines = [BatchInline]
    exclude = ["template_data"]


class PhaseWindowInline(admin.TabularInline[PhaseWindow, Enrollment]):
    model = PhaseWindow
    extra = 0


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "campaign", "batch"]
    list_filter = ["campaign", "batch"]
    raw_id_fields = ["organization"]
    inlines = [PhaseWindowInline]


@admin.register(StepRecord)
class StepRecordAdmin(SimpleHistoryAdmin):
    list_display = ["enrollment", "step_code", "status", "done_on"]
    list_filter = ["status"]
