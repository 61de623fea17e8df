from django.urls import URLPattern, URLResolver

app_name = "mailbox_staff"

urlpatterns: list[URLPattern | URLResolver] = []
