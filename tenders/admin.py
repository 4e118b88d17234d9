"""Django admin for superusers: the same objects as the staff pages, for support.

Status changes and amendment notices are read-only here: they go through the staff
pages' services, which check roles and log every step.
"""

from django.contrib import admin

from .models import (
    AdditionalCondition,
    AmendmentNotice,
    SubList,
    Tender,
    TenderCategory,
    TenderEvent,
)


class TenderCategoryInline(admin.TabularInline):
    model = TenderCategory
    extra = 0
    fields = ["category", "slug", "name", "points", "position"]


class AdditionalConditionInline(admin.TabularInline):
    model = AdditionalCondition
    extra = 0
    fields = ["code", "name", "points", "position"]


class SubListInline(admin.TabularInline):
    model = SubList
    extra = 0
    fields = ["list_kind", "code", "name", "rule", "dwellings", "position"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TenderEventInline(ReadOnlyInline):
    model = TenderEvent
    fields = ["at", "from_status", "to_status", "by"]
    readonly_fields = fields


class AmendmentNoticeInline(ReadOnlyInline):
    model = AmendmentNotice
    fields = ["published_at", "text", "new_deadline", "by"]
    readonly_fields = fields


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["title", "lessor", "status", "published_on", "deadline"]
    list_filter = ["status", "lessor"]
    search_fields = ["title", "code"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [
        TenderCategoryInline,
        AdditionalConditionInline,
        SubListInline,
        AmendmentNoticeInline,
        TenderEventInline,
    ]
