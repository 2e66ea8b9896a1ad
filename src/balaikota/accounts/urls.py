from django.urls import path

from balaikota.accounts import citizen_views, views

app_name = "accounts"

urlpatterns = [
    path("warga/masuk/", citizen_views.sign_in, name="citizen_sign_in"),
    path("warga/kode/", citizen_views.enter_code, name="citizen_code"),
    path("saya/", citizen_views.account, name="account"),
    path("saya/hapus/", citizen_views.delete_account, name="delete_account"),
    path("verifikasi/", views.verify, name="verify"),
    path("pasang-autentikator/", views.enrol, name="enrol"),
    path("kode-cadangan/", views.recovery_codes, name="recovery_codes"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "kata-sandi/selesai/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("lupa-kata-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "lupa-kata-sandi/terkirim/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "atur-ulang/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-ulang/selesai/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
