from django.urls import URLPattern, URLResolver, path

from gongkai.reports import views_staff

app_name = "reports_staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_staff.report_list, name="list"),
    path("start/", views_staff.report_start, name="start"),
    path("rollup/<str:code>/<int:year>/", views_staff.rollup, name="rollup"),
    path("<int:pk>/", views_staff.report_detail, name="detail"),
    path("<int:pk>/text/", views_staff.report_text, name="text"),
    path("<int:pk>/cells/", views_staff.report_cell, name="enter_cell"),
    path("<int:pk>/explain/", views_staff.report_explain, name="explain"),
    path("<int:pk>/cell/", views_staff.report_cell_cases, name="cell"),
    path("<int:pk>/download.<str:fmt>", views_staff.report_download, name="download"),
    path("<int:pk>/<str:action>/", views_staff.report_action, name="action"),
]
