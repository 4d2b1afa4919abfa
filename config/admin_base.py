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


class AppendOnlyAdmin(RecordAdmin):
    """Append-only records (the access log, its digests, the configuration history, AU-1):
    neither edited nor deleted here either; the database refuses it too (audits 0005)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConfigurationAlarmAdmin:
    """Issue 19 §6: an admin whose saves and deletions are configuration changes, recorded
    with before and after (accesslog.configuration) and alarmed when `alarm_weakens` says the
    change weakens oversight or widens access. Mix in before admin.ModelAdmin."""

    alarm_kind: str = ""
    alarm_fields: list[str] = []
    alarm_what: str = ""

    def alarm_weakens(self, before: dict, after: dict) -> bool:
        return bool(after) and not before  # by default: something new

    def alarm_snapshot(self, obj) -> dict:
        from accesslog.configuration import snapshot

        return snapshot(obj, self.alarm_fields)

    def save_model(self, request, obj, form, change):
        from accesslog.configuration import admin_change

        previous = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        before = self.alarm_snapshot(previous) if previous is not None else {}
        super().save_model(request, obj, form, change)
        after = self.alarm_snapshot(obj)
        admin_change(kind=self.alarm_kind, request=request, obj=obj, before=before, after=after,
                     weakens=self.alarm_weakens(before, after), what=self.alarm_what)

    def delete_model(self, request, obj):
        from accesslog.configuration import admin_change

        before, pk = self.alarm_snapshot(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk  # deletion clears it; the record names what was deleted
        admin_change(kind=self.alarm_kind, request=request, obj=obj, before=before, after={},
                     weakens=self.alarm_weakens(before, {}), what=self.alarm_what)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent and written elsewhere (by a service), never here.
    Subclasses set `fields`; every one is read-only."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class WorkflowHistoryInline(ReadOnlyInline):
    """The history of one workflow object (hit, hot-list request, sharing request, legal
    hold, audit): rows are written only by accesslog.workflow. One inline for the one
    history shape (issue 17); each admin names its model."""

    fields = ["at", "by", "transition", "from_status", "to_status", "note", "designation", "details"]


class ObjectPermissionAdmin(admin.ModelAdmin):
    """Who may see which covert object (HT-4): granted by the system (the hit raised, the
    entry approved), never by hand; each admin names its model and says which grant."""

    list_display = ["content_object", "user", "permission"]
    raw_id_fields = ["content_object", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
