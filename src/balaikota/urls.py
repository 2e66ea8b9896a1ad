from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from balaikota.api.views import api
from balaikota.core.views import media

# Django's refusals of a request (a body too large, too many fields) in the endpoint's format.
handler400 = "balaikota.core.bodylimit.bad_request"
# Unknown addresses and refusals in the endpoint's format (JSON under /api/, GeoReport under
# /open311/v2/), and pages in the site's layout rather than Django's bare English text.
handler403 = "balaikota.core.endpoint_errors.forbidden"
handler404 = "balaikota.core.endpoint_errors.not_found"
# A failure: the site's layout drawn without the database, which may be what failed.
handler500 = "balaikota.core.endpoint_errors.server_error"

urlpatterns = [
    path("", include("balaikota.core.urls")),
    path("akun/", include("balaikota.accounts.urls")),
    path("", include("balaikota.complaints.urls")),
    path("", include("balaikota.open311.urls")),
    path("", include("balaikota.opendata.urls")),
    path("", include("balaikota.performance.urls")),
    path("", include("balaikota.dashboards.urls")),
    path("", include("balaikota.hotspots.urls")),
    path("", include("balaikota.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Public photos carry no metadata; at scale the object store serves them instead.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
]
