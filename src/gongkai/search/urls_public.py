from django.urls import URLPattern, URLResolver, path

from gongkai.search import views

app_name = "search"

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", views.page, name="page"),
    path("search/suggest", views.suggest, name="suggest"),
]
