from django.contrib import admin

from .models import Tender


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["title", "lessor", "status", "published_on", "deadline"]
    list_filter = ["status", "lessor"]
    search_fields = ["title"]
