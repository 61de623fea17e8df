from django.urls import URLPattern, URLResolver

app_name = "mailbox_public"

urlpatterns: list[URLPattern | URLResolver] = []
