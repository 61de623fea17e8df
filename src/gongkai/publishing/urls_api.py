from django.urls import path

from gongkai.publishing import api
from gongkai.search import views as search_views

app_name = "api"

urlpatterns = [
    path("openapi.json", api.openapi, name="openapi"),
    path("agencies/", api.agencies, name="agencies"),
    path("agencies/<str:code>/catalogue/", api.catalogue, name="catalogue"),
    path("items/", api.items, name="items"),
    path("items/<int:pk>/", api.item, name="item"),
    path("search", search_views.api_search, name="search"),
]
