from django.urls import path

from gongkai.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("gk/switch/", views.switch, name="switch"),
    path("gk/<str:code>/", views.column, name="column"),
    path("gk/<str:code>/guide/", views.guide, name="guide"),
    path("gk/<str:code>/rules/", views.rules, name="rules"),
    path("gk/<str:code>/proactive/", views.proactive, name="proactive"),
    path("gk/<str:code>/reports/", views.reports, name="reports"),
    path("gk/<str:code>/apply/", views.apply, name="apply"),
    path("accounts/login/", views.ApplicantLoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/verify/", views.verify, name="verify"),
    path("accounts/", views.account, name="account"),
    path("accounts/applicants/new/", views.applicant_edit, name="applicant_new"),
    path("accounts/applicants/<int:pk>/", views.applicant_detail, name="applicant_detail"),
    path("accounts/applicants/<int:pk>/edit/", views.applicant_edit, name="applicant_edit"),
]
