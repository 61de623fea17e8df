from django.urls import URLPattern, URLResolver, path

from gongkai.credit import views_public

app_name = "credit_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("gk/<str:code>/credit/", views_public.decision_list, name="list"),
    path("gk/<str:code>/credit/<uuid:public_id>/", views_public.decision_detail, name="detail"),
]
