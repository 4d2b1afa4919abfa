from django.contrib import admin

from training.models import TrainingCourse, TrainingRecord


@admin.register(TrainingCourse)
class TrainingCourseAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "is_department_approved", "validity_days", "active"]
    list_filter = ["is_department_approved", "active"]
    search_fields = ["title"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["member", "course", "completed_on", "trainer", "passed", "score"]
    list_filter = ["course", "passed"]
    search_fields = ["member__username", "member__last_name", "trainer"]
    date_hierarchy = "completed_on"
    raw_id_fields = ["member", "entered_by"]
