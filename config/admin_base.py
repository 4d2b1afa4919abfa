"""Admin building blocks shared by the apps."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """Records that change only through their workflow or service (searches, requests,
    imports, purge runs, the access log...): shown in full, never added or edited here."""

    readonly_exclude: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.readonly_exclude]

    def has_add_permission(self, request):
        return False
