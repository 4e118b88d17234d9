"""Django admin for superusers: the same objects as the staff pages, for support.

Status changes and amendment notices are read-only here: they go through the staff
pages' services, which check roles and log every step. The rules of a tender that is
no longer a draft are frozen here too: no change, add or delete of the tender, its
categories, conditions or sub-lists (the superuser still reads them).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from .models import (
    AdditionalCondition,
    AmendmentNotice,
    SubList,
    Tender,
    TenderCategory,
    TenderEvent,
)


def _frozen(tender) -> bool:
    """A saved tender that is no longer a draft: its rules may not change."""
    return tender is not None and tender.pk is not None and not tender.is_editable


class FrozenWhenPublishedInline(admin.TabularInline):
    """A child of the tender, editable only while the tender is a draft."""

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class TenderCategoryInline(FrozenWhenPublishedInline):
    model = TenderCategory
    extra = 0
    fields = ["category", "slug", "name", "name_en", "points", "position"]


class AdditionalConditionInline(FrozenWhenPublishedInline):
    model = AdditionalCondition
    extra = 0
    fields = ["code", "name", "name_en", "points", "position"]


class SubListInline(FrozenWhenPublishedInline):
    model = SubList
    extra = 0
    fields = ["list_kind", "code", "name", "name_en", "rule", "dwellings", "position"]


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
    fields = ["published_at", "text", "text_en", "new_deadline", "by"]
    readonly_fields = fields


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["title", "lessor", "status", "published_on", "deadline"]
    list_filter = ["status", "lessor"]
    search_fields = ["title", "code"]
    readonly_fields = ["status", "version", "created_at", "updated_at"]
    inlines = [
        TenderCategoryInline,
        AdditionalConditionInline,
        SubListInline,
        AmendmentNoticeInline,
        TenderEventInline,
    ]

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Refuse a save of a tender that was published after the form was opened, and
        # keep the version that stale edits on the staff pages are checked against.
        if change:
            current = Tender.objects.select_for_update().get(pk=obj.pk)
            if not current.is_editable:
                raise PermissionDenied
            obj.version = current.version + 1
        super().save_model(request, obj, form, change)
