from django.urls import URLPattern, URLResolver

app_name = "credit_staff"

urlpatterns: list[URLPattern | URLResolver] = []
