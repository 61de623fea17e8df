from django.urls import URLPattern, URLResolver, path

from gongkai.mailbox import views_public

app_name = "mailbox_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("gk/<str:code>/mailbox/", views_public.index, name="index"),
    path("gk/<str:code>/mailbox/<int:box_id>/write/", views_public.write, name="write"),
    path("gk/<str:code>/mailbox/qa/<uuid:public_id>/", views_public.qa, name="qa"),
    path("mailbox/receipt/<uuid:public_id>/", views_public.receipt, name="receipt"),
    path("mailbox/lookup/", views_public.lookup, name="lookup"),
]
