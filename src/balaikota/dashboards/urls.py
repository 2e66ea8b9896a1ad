from django.urls import path

from balaikota.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("peta", views.map_page, name="map"),
    path("peta/data", views.map_data, name="map_data"),
    path("peta/wilayah", views.map_areas, name="map_areas"),
    path("peta/daftar", views.complaint_list, name="list"),
    path("dasbor", views.dashboard, name="dashboard"),
    path("dasbor/<slug:slug>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("dasbor/staf", views.staff_dashboard, name="staff"),
    path("audit", views.audit_page, name="audit"),
    path("audit.json", views.audit_json, name="audit_json"),
]
