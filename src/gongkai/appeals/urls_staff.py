from django.urls import URLPattern, URLResolver

app_name = "appeals_staff"
urlpatterns: list[URLPattern | URLResolver] = []
