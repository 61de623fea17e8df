from django.urls import URLPattern, URLResolver, path

from gongkai.normative import views_staff

app_name = "normative_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_staff.document_list, name="list"),
    path("new/", views_staff.create, name="create"),
    path("<int:pk>/", views_staff.detail, name="detail"),
    path("<int:pk>/edit/", views_staff.edit, name="edit"),
    path("<int:pk>/register/", views_staff.register, name="register"),
    path("<int:pk>/publish/", views_staff.publish, name="publish"),
    path("<int:pk>/attach/", views_staff.attach, name="attach"),
    path("<int:pk>/relate/", views_staff.relate, name="relate"),
    path("<int:pk>/files/<int:file_id>/", views_staff.document_file, name="file"),
    path("cleanups/", views_staff.cleanup_list, name="cleanups"),
    path("cleanups/<int:pk>/", views_staff.cleanup_detail, name="cleanup"),
    path("cleanups/<int:pk>/apply/", views_staff.cleanup_apply, name="cleanup_apply"),
]
