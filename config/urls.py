from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from alpr.views.maps import map_tile
from audits.public import transparency


def health(request):
    return JsonResponse({"status": "ok"})


handler404 = "config.api.api_not_found"
handler500 = "config.api.api_server_error"

admin.site.site_header = "ALPR case management — administration"
admin.site.site_title = "ALPR administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("alpr/", include("alpr.urls")),
    path("hotlists/", include("hotlists.urls")),
    path("sharing/", include("sharing.urls")),
    path("audits/", include("audits.urls")),
    path("training/", include("training.urls")),
    path("ingest/", include("ingest.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("alpr.api_urls")),
    path("api/", include("hotlists.api_urls")),
    path("api/", include("ingest.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("healthz", health, name="health"),
    path("transparency/", transparency, name="transparency"),
    # Issue 21 §1: the offline basemap, served from the agency's MBTiles file.
    path("map/tiles/<int:z>/<int:x>/<int:y>", map_tile, name="map_tile"),
]
