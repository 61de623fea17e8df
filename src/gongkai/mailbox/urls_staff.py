from django.urls import URLPattern, URLResolver, path

from gongkai.mailbox import views_staff

app_name = "mailbox_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_staff.queue, name="queue"),
    path("<uuid:public_id>/", views_staff.detail, name="detail"),
    path("<uuid:public_id>/do/<str:action>/", views_staff.act, name="act"),
]
