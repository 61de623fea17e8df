from django.urls import path

from gongkai.publishing import views_catalogue, views_staff

app_name = "publishing_staff"

urlpatterns = [
    path("", views_staff.item_list, name="list"),
    path("new/", views_staff.item_edit, name="new"),
    path("stats/", views_staff.stats, name="stats"),
    path("guide/<str:code>/", views_staff.guide_edit, name="guide"),
    path("catalogue/", views_catalogue.index, name="catalogue_index"),
    path("catalogue/<str:code>/", views_catalogue.tree, name="catalogue"),
    path("catalogue/<str:code>/add/", views_catalogue.node_edit, name="catalogue_add"),
    path("catalogue/<str:code>/<int:pk>/edit/", views_catalogue.node_edit, name="catalogue_edit"),
    path("catalogue/<str:code>/<int:pk>/delete/", views_catalogue.node_delete, name="catalogue_delete"),
    path(
        "catalogue/<str:code>/<int:pk>/<str:direction>/", views_catalogue.node_shift, name="catalogue_shift"
    ),
    path("<int:pk>/", views_staff.item_detail, name="detail"),
    path("<int:pk>/edit/", views_staff.item_edit, name="edit"),
    path("<int:pk>/do/<str:action>/", views_staff.item_act, name="act"),
]
