from django.contrib.auth import views as auth_views
from django.urls import path

from balaikota.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("masuk/selesai", views.landing, name="landing"),
    # The front page belongs to the complaints app, which core does not know: named here by
    # its URL name only.
    path("keluar/", auth_views.LogoutView.as_view(next_page="complaints:home"), name="logout"),
]
