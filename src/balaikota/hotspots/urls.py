from django.urls import path

from balaikota.hotspots import views

app_name = "hotspots"

urlpatterns = [
    path("titik-rawan", views.hotspot_list, name="list"),
    path("titik-rawan/peta.json", views.map_data, name="map_data"),
    path("titik-rawan/<int:pk>", views.hotspot_detail, name="detail"),
    path("pekerjaan-terencana/<int:pk>", views.work_detail, name="work"),
    path("staf/titik-rawan", views.staff_list, name="staff_list"),
    path("staf/titik-rawan/<int:pk>", views.staff_detail, name="staff_detail"),
    path("staf/titik-rawan/<int:pk>/rencana", views.plan_work, name="plan"),
    path("staf/pekerjaan-terencana/<int:pk>/status", views.work_status, name="work_status"),
]
