from django.urls import path

from gongkai.publishing import views_staff

app_name = "publishing_staff"

urlpatterns = [
    path("", views_staff.item_list, name="list"),
    path("new/", views_staff.item_edit, name="new"),
    path("<int:pk>/", views_staff.item_detail, name="detail"),
    path("<int:pk>/edit/", views_staff.item_edit, name="edit"),
    path("<int:pk>/do/<str:action>/", views_staff.item_act, name="act"),
]
