from django.urls import URLPattern, URLResolver, path

from gongkai.appeals import views_staff

app_name = "appeals_staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_staff.case_list, name="list"),
    path("new/", views_staff.create, name="create"),
    path("<uuid:public_id>/", views_staff.detail, name="detail"),
    path("<uuid:public_id>/edit/", views_staff.edit, name="edit"),
    path("<uuid:public_id>/conclude/", views_staff.conclude, name="conclude"),
    path("<uuid:public_id>/documents/", views_staff.attach, name="attach"),
    path("<uuid:public_id>/documents/<uuid:document_id>/", views_staff.document, name="document"),
]
