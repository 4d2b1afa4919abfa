from django.urls import path

from audits import log_search_views, oversight_views, views

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
    # Issue 20: re-derive a sample against its stored population (AU-2); data errors for NCRIC (003 §418.6).
    path("audits/<int:pk>/rederive/", oversight_views.rederive, name="audit_rederive"),
    path("corrections/ncric.csv", oversight_views.corrections_for_regional_centre, name="corrections_ncric_csv"),
]
