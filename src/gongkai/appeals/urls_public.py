from django.urls import URLPattern, URLResolver

app_name = "appeals_public"
urlpatterns: list[URLPattern | URLResolver] = []
