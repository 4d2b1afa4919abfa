from django.urls import path

from alpr import api
from alpr.views.reads import read_image

app_name = "alpr_api"
urlpatterns = [
    path("hits/", api.HitListApi.as_view(), name="hits"),
    path("hits/<int:pk>/", api.HitDetailApi.as_view(), name="hit"),
    path("hits/<int:pk>/transitions/", api.HitTransitionApi.as_view(), name="hit_transition"),
    path("hits/<int:pk>/stop/", api.HitStopApi.as_view(), name="hit_stop"),
    path("searches/", api.SearchRunApi.as_view(), name="searches"),
    path("searches/<int:pk>/reads/", api.SearchReadsApi.as_view(), name="search_reads"),
    path("searches/<int:pk>/reads/<int:read_id>/", api.SearchReadDetailApi.as_view(), name="search_read"),
    # The signed image links of the API's reads (the same view and checks as the web's).
    path("images/<str:token>/", read_image, name="read_image"),
]
