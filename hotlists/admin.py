from django.contrib import admin

from hotlists.models import Hotlist, HotlistEntry


@admin.register(Hotlist)
class HotlistAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "kind", "is_external", "purpose", "active"]
    list_filter = ["source", "kind", "is_external", "active"]


@admin.register(HotlistEntry)
class HotlistEntryAdmin(admin.ModelAdmin):
    list_display = ["plate", "pattern", "state", "hotlist", "status", "expires_at", "responsible"]
    list_filter = ["status", "hotlist"]
    search_fields = ["plate", "reference", "case_number"]
    raw_id_fields = ["responsible"]
