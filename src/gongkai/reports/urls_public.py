from django.urls import URLPattern, URLResolver, path

from gongkai.reports import views_public

app_name = "reports_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("gk/<str:code>/reports/<int:year>/", views_public.report, name="detail"),
    path("gk/<str:code>/reports/<int:year>/v<int:version>/", views_public.report, name="version"),
    path("gk/<str:code>/reports/<int:year>/report.<str:fmt>", views_public.download, name="download"),
]
