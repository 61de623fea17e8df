from django.urls import URLPattern, URLResolver

app_name = "land_public"

urlpatterns: list[URLPattern | URLResolver] = []
