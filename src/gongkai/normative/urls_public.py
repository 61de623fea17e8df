from django.urls import URLPattern, URLResolver, path

from gongkai.normative import views_public

app_name = "normative_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("gk/<str:code>/normative/", views_public.document_list, name="list"),
    path("gk/<str:code>/normative/<int:pk>/", views_public.document_detail, name="detail"),
    path("gk/<str:code>/normative/<int:pk>/files/<int:file_id>/", views_public.document_file, name="file"),
]
