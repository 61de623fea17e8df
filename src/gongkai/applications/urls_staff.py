from django.urls import path

from gongkai.applications import views_staff

app_name = "applications_staff"

urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("new/", views_staff.register, name="register"),
    path("<uuid:public_id>/", views_staff.detail, name="detail"),
    path("<uuid:public_id>/do/<str:action>/", views_staff.act, name="act"),
]
