"""Read-only admin: applications are changed through their services only."""

from django.contrib import admin

from .models import Application, ApplicationEvent, Member


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    # Names and roles only: EMŠO, incomes and health stay on the commission's pages.
    fields = ["role", "first_name", "last_name"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ["at", "kind", "by", "section", "changed_fields"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["code", "tender", "status", "version", "submitted_at"]
    list_filter = ["status", "tender"]
    search_fields = ["code"]
    fields = [
        "tender",
        "code",
        "status",
        "version",
        "applicant",
        "entered_by",
        "submitted_at",
        "received_at",
        "withdrawn_at",
        "created_at",
    ]
    inlines = [MemberInline, EventInline]
