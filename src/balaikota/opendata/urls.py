from django.urls import path

from balaikota.opendata import feeds, views

app_name = "opendata"

urlpatterns = [
    path("data-terbuka", views.dictionary, name="dictionary"),
    path("data-terbuka/aduan.<str:fmt>", views.download, name="download"),
    path("langganan", views.subscribe, name="subscribe"),
    path("langganan/konfirmasi/<str:token>", views.confirm, name="confirm"),
    path("langganan/berhenti/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("feed/kecamatan/<str:code>", feeds.DistrictFeed(), name="feed_district"),
    path("feed/kelurahan/<str:code>", feeds.VillageFeed(), name="feed_village"),
    path("feed/kategori/<slug:slug>", feeds.CategoryFeed(), name="feed_category"),
]
