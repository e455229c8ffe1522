from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from vanguard.accounts.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(User)
class VanguardUserAdmin(UserAdmin[User], SimpleHistoryAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), (_("Vanguard"), {"fields": ["full_name"]}))
    list_display = ["username", "full_name", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "full_name"]
    inlines = [RoleGrantInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organization", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]
