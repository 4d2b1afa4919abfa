from django.urls import path

from audits import breach_views, log_search_views, oversight_views, report_contents_views, views

app_name = "audits"
urlpatterns = [
    path("", views.index, name="index"),
    path("log.csv", views.access_log_export, name="access_log_export"),
    path("verify/", views.verify_now, name="verify_now"),
    # Issue 19: full-text search of the access log, its counts and CSVs.
    path("search/", log_search_views.log_search, name="log_search"),
    path("search.csv", log_search_views.log_search_csv, name="log_search_csv"),
    path("search-counts.csv", log_search_views.log_search_csv, {"kind": "counts"}, name="log_search_counts_csv"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_new, name="audit_new"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/items/<int:item_pk>/review/", views.item_review, name="item_review"),
    path("audits/<int:pk>/finalise/", views.audit_finalise, name="audit_finalise"),
    path("audits/<int:pk>/memo.<str:fmt>", views.audit_memo, name="audit_memo"),
    path("configuration/", views.configuration_history, name="configuration_history"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/close/", views.correction_close, name="correction_close"),
    # BR-1: the breach workflow.
    path("breaches/", breach_views.breach_list, name="breach_list"),
    path("breaches/new/", breach_views.breach_new, name="breach_new"),
    path("breaches/<int:pk>/", breach_views.breach_detail, name="breach_detail"),
    path("breaches/<int:pk>/step/", breach_views.breach_step, name="breach_step"),
    # AU-6: the O.M.C. 9.64 sections the Coordinator enters.
    path("annual-report/", report_contents_views.contents_index, name="report_contents_index"),
    path("annual-report/open/", report_contents_views.contents_open, name="report_contents_open"),
    path("annual-report/<int:year>/", report_contents_views.contents_edit, name="report_contents"),
    path("annual-report/<int:year>/finalise/", report_contents_views.contents_finalise,
         name="report_contents_finalise"),
    path("annual-report/<int:year>/reopen/", report_contents_views.contents_reopen, name="report_contents_reopen"),
    # Issue 20: re-derive a sample against its stored population (AU-2); data errors for NCRIC (003 §418.6).
    path("audits/<int:pk>/rederive/", oversight_views.rederive, name="audit_rederive"),
    path("corrections/ncric.csv", oversight_views.corrections_for_regional_centre, name="corrections_ncric_csv"),
]
