from django.urls import path

from gongkai.applications import views_ledger, views_staff

app_name = "applications_staff"

urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("new/", views_staff.register, name="register"),
    path("ledger/", views_ledger.page, name="ledger"),
    path("ledger/export/", views_ledger.export, name="ledger_export"),
    path("<uuid:public_id>/letters/<str:kind>.<str:ext>", views_staff.letter, name="letter"),
    path("<uuid:public_id>/", views_staff.detail, name="detail"),
    path("<uuid:public_id>/do/<str:action>/", views_staff.act, name="act"),
    path("<uuid:public_id>/reveal/", views_staff.reveal, name="reveal"),
    path("<uuid:public_id>/files/<uuid:file_id>/", views_staff.file, name="file"),
]
