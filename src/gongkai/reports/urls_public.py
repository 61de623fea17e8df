from django.urls import URLPattern, URLResolver

app_name = "reports_public"
urlpatterns: list[URLPattern | URLResolver] = []
