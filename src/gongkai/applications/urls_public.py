from django.urls import path

from gongkai.applications import views_public

app_name = "applications_public"

urlpatterns = [
    path("gk/<str:code>/apply/online/", views_public.apply_online, name="apply"),
    path("accounts/applications/", views_public.my_applications, name="list"),
    path("accounts/applications/<uuid:public_id>/", views_public.my_application, name="detail"),
    path("accounts/applications/<uuid:public_id>/files/<uuid:file_id>/", views_public.my_file, name="file"),
    path(
        "accounts/applications/<uuid:public_id>/letters/<str:kind>.<str:ext>",
        views_public.my_letter,
        name="letter",
    ),
]
