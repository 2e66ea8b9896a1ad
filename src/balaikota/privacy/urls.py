from django.urls import path

from balaikota.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privasi", views.notice, name="notice"),
    path("privasi/data-saya", views.my_data, name="mine"),
    path("privasi/data-saya/unduh", views.my_data_download, name="mine_download"),
    path("privasi/data-saya/<str:ticket>", views.complaint_data, name="complaint"),
    path("privasi/data-saya/<str:ticket>/unduh", views.complaint_download, name="download"),
    path("privasi/data-saya/<str:ticket>/ubah", views.correct, name="correct"),
    path("privasi/data-saya/<str:ticket>/tarik", views.withdraw, name="withdraw"),
]
