from django.contrib import admin

from vanguard.reports.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are made by users' buttons and run by the worker."""

    list_display = ("created", "owner", "name", "title", "status", "done", "total", "expired")
    list_filter = ("status", "kind", "expired")
    search_fields = ("title", "name", "owner__username")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
