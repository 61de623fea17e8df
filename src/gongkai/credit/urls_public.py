from django.urls import URLPattern, URLResolver

app_name = "credit_public"

urlpatterns: list[URLPattern | URLResolver] = []
