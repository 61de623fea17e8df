from django.urls import URLPattern, URLResolver, path

from gongkai.land import views_staff

app_name = "land_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_staff.project_list, name="list"),
    path("new/", views_staff.project_create, name="create"),
    path("supervision/", views_staff.supervision, name="supervision"),
    path("supervision/notice/", views_staff.notice_save, name="notice_save"),
    path("<int:pk>/", views_staff.project_detail, name="detail"),
    path("<int:pk>/documents/<int:disclosure_id>/", views_staff.disclosure_edit, name="disclosure_edit"),
    path("<int:pk>/link/", views_staff.link_application, name="link_application"),
]
