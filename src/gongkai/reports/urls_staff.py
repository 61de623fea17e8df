from django.urls import URLPattern, URLResolver

app_name = "reports_staff"
urlpatterns: list[URLPattern | URLResolver] = []
