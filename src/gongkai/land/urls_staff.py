from django.urls import URLPattern, URLResolver

app_name = "land_staff"

urlpatterns: list[URLPattern | URLResolver] = []
