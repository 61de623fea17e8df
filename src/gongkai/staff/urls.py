from django.urls import path

from gongkai.staff import views, views_audit

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/otp/", views.login_otp, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("account/2fa/", views.enrol, name="enrol"),
    path("agencies/<str:code>/", views.agency_detail, name="agency"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("calendar/", views.calendar_list, name="calendar"),
    path("calendar/<int:year>/", views.calendar_edit, name="calendar_edit"),
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export.<str:fmt>", views_audit.audit_export, name="audit_export"),
]
