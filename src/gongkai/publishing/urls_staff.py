from django.urls import path

from gongkai.publishing import views_staff

app_name = "publishing_staff"

urlpatterns = [
    path("", views_staff.item_list, name="list"),
    path("new/", views_staff.item_edit, name="new"),
    path("stats/", views_staff.stats, name="stats"),
    path("guide/<str:code>/", views_staff.guide_edit, name="guide"),
    path("<int:pk>/", views_staff.item_detail, name="detail"),
    path("<int:pk>/edit/", views_staff.item_edit, name="edit"),
    path("<int:pk>/do/<str:action>/", views_staff.item_act, name="act"),
]
