from django.urls import URLPattern, URLResolver

app_name = "normative_staff"
urlpatterns: list[URLPattern | URLResolver] = []
