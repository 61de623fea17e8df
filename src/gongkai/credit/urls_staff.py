from django.urls import URLPattern, URLResolver, path

from gongkai.credit import views_staff

app_name = "credit_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_staff.decision_list, name="list"),
    path("new/<str:kind>/", views_staff.create, name="create"),
    path("export/", views_staff.export, name="export"),
    path("<uuid:public_id>/", views_staff.detail, name="detail"),
    path("<uuid:public_id>/edit/", views_staff.edit, name="edit"),
    path("<uuid:public_id>/publish/", views_staff.publish, name="publish"),
    path("<uuid:public_id>/withdraw/", views_staff.withdraw, name="withdraw"),
    path("<uuid:public_id>/delete/", views_staff.delete, name="delete"),
    path("<uuid:public_id>/reveal/", views_staff.reveal, name="reveal"),
]
