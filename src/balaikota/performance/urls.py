from django.urls import path

from balaikota.performance import views

app_name = "performance"

urlpatterns = [
    path("kinerja", views.board, name="board"),
    path("kinerja/peringkat.csv", views.ranking_csv, name="ranking_csv"),
    path("kinerja/saya", views.mine, name="mine"),
    path("kinerja/tawaran/<int:pk>/<str:kind>", views.answer, name="answer"),
    path("kinerja/komitmen/<int:pk>", views.commitment, name="commitment"),
    path("kinerja/komitmen/<int:pk>/lapor", views.check_in, name="check_in"),
    path("kinerja/verifikasi", views.verify_queue, name="verify_queue"),
    path("kinerja/verifikasi/<int:pk>/<str:kind>", views.review_check_in, name="review_check_in"),
    path("kinerja/bukti/<int:pk>", views.evidence, name="evidence"),
    path("kinerja/panel", views.plan, name="plan"),
    path("kinerja/panel/<str:kind>", views.plan_action, name="plan_action"),
    path("kinerja/lelang/<int:pk>", views.auction, name="auction"),
    path("kinerja/tawaran/<int:pk>/panel/<str:kind>", views.offer_action, name="offer_action"),
    path("kinerja/tinjauan/<int:pk>/<str:kind>", views.review_action, name="review_action"),
    path("kinerja/dasbor", views.dashboard, name="dashboard"),
    path("kinerja/pk/<int:pk>.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("kinerja/pk/<slug:code>", views.verify_agreement, name="verify_agreement"),
    path("kinerja/pk/<slug:code>/unduh", views.agreement_download, name="agreement_download"),
    path("kinerja/evaluasi.<str:fmt>", views.evaluation_export, name="evaluation_export"),
    path("kinerja/kaskade", views.cascade_page, name="cascade"),
    path("kinerja/lkjip.pdf", views.lkjip_export, {"fmt": "pdf"}, name="lkjip_pdf"),
    path("kinerja/lkjip.xlsx", views.lkjip_export, {"fmt": "xlsx"}, name="lkjip_xlsx"),
]
