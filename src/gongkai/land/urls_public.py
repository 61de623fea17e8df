from django.urls import URLPattern, URLResolver, path

from gongkai.land import views_public

app_name = "land_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("land/", views_public.lookup, name="lookup"),
    path("land/notices/", views_public.notice_list, name="notices"),
    path("land/notices/<int:year>/<int:quarter>.<str:ext>", views_public.notice_file, name="notice_file"),
    path("gk/<str:code>/land/", views_public.agency_lookup, name="agency_lookup"),
    path("gk/<str:code>/land/<int:pk>/", views_public.project_detail, name="project"),
]
