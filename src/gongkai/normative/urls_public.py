from django.urls import URLPattern, URLResolver

app_name = "normative_public"
urlpatterns: list[URLPattern | URLResolver] = []
