from django.urls import path, re_path

from balaikota.open311 import views

app_name = "open311"

_FMT = r"\.(?P<fmt>[A-Za-z]{1,10})$"

urlpatterns = [
    path("open311/", views.docs, name="docs"),
    path("open311/v2/", views.docs, name="root"),
    re_path(r"^open311/v2/discovery" + _FMT, views.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + _FMT, views.service_list, name="services"),
    re_path(
        r"^open311/v2/services/(?P<code>[^/]+?)" + _FMT, views.service_definition, name="service"
    ),
    re_path(r"^open311/v2/requests" + _FMT, views.requests, name="requests"),
    re_path(
        r"^open311/v2/requests/(?P<ticket>[^/]+?)" + _FMT, views.request_detail, name="request"
    ),
    re_path(r"^open311/v2/tokens/(?P<token>[^/]+?)" + _FMT, views.token, name="token"),
    re_path(r"^open311/v2/servicerequestupdates" + _FMT, views.request_updates, name="updates"),
]
