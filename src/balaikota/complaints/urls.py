from django.urls import path

from balaikota.complaints import (
    conversation_views,
    field_views,
    follow_views,
    moderation_views,
    photo_views,
    views,
)

app_name = "complaints"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor", views.report, name="report"),
    path("lapor/terkirim/<str:ticket>", views.submitted, name="submitted"),
    path("lacak", views.track_lookup, name="track_lookup"),
    path("laporan-saya", views.my_complaints, name="mine"),
    path("lacak/<str:ticket>", views.track, name="track"),
    path("lacak/<str:ticket>/dukung", views.support, name="support"),
    path("lacak/<str:ticket>/ikuti", follow_views.follow, name="follow"),
    path("ikuti/konfirmasi/<str:token>", follow_views.confirm, name="follow_confirm"),
    path("ikuti/berhenti/<str:token>", follow_views.unsubscribe, name="follow_unsubscribe"),
    path("laporan-saya/pemberitahuan", views.my_notices, name="my_notices"),
    path("lacak/<str:ticket>/<str:action>", views.reporter_action, name="reporter_action"),
    path("gateway/pesan", views.gateway_inbound, name="gateway_inbound"),
    path("surel/masuk", conversation_views.inbound_mail, name="inbound_mail"),
    path("staf/", views.staff_home, name="staff_home"),
    path("staf/kotak-masuk", views.inbox, name="inbox"),
    path("staf/operator", views.operator_queue, name="operator_queue"),
    path("staf/pemberitahuan", views.notices, name="notices"),
    path("staf/foto/<int:pk>", photo_views.staff_photo, name="staff_photo"),
    path("staf/aduan/<str:ticket>", views.staff_detail, name="staff_detail"),
    path("staf/aduan/<str:ticket>/moderasi", moderation_views.moderate, name="moderate"),
    path(
        "staf/aduan/<str:ticket>/buka-identitas",
        moderation_views.reveal_identity,
        name="reveal_identity",
    ),
    # Work in the field (before the generic action route, which would take "tugaskan").
    path("staf/aduan/<str:ticket>/tugaskan", field_views.dispatch, name="dispatch"),
    path("staf/tugas", field_views.tasks, name="tasks"),
    path("staf/tugas/<str:ticket>", field_views.task, name="task"),
    path("staf/tugas/<str:ticket>/<str:action>", field_views.task_action, name="task_action"),
    path("staf/lapangan", field_views.field_page, name="field"),
    path("staf/lapangan/<str:what>", field_views.field_change, name="field_change"),
    path("staf/aduan/<str:ticket>/<str:action>", views.staff_action, name="staff_action"),
]
