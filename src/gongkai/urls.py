from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, include, path

from gongkai.core.health import healthz
from gongkai.core.views import elder_mode, language
from gongkai.publishing.api import ColumnSitemap, ItemSitemap, export_csv

admin.site.site_header = "公开 Gongkai 管理"
admin.site.site_title = "公开 Gongkai"
admin.site.index_title = "基础数据"

SITEMAPS = {"items": ItemSitemap, "columns": ColumnSitemap}

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/elder/", elder_mode, name="elder_mode"),
    path("display/language/", language, name="language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("gongkai.publishing.urls_api")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", healthz, name="healthz"),
    # the back office
    path("staff/applications/", include("gongkai.applications.urls_staff")),
    path("staff/publishing/", include("gongkai.publishing.urls_staff")),
    path("staff/credit/", include("gongkai.credit.urls_staff")),
    path("staff/mailbox/", include("gongkai.mailbox.urls_staff")),
    path("staff/normative/", include("gongkai.normative.urls_staff")),
    path("staff/appeals/", include("gongkai.appeals.urls_staff")),
    path("staff/reports/", include("gongkai.reports.urls_staff")),
    path("staff/land/", include("gongkai.land.urls_staff")),
    path("staff/", include("gongkai.staff.urls")),
    # the public portal
    path("gk/<str:code>/proactive/export.csv", export_csv, name="proactive_export"),
    path("", include("gongkai.applications.urls_public")),
    path("", include("gongkai.publishing.urls_public")),
    path("", include("gongkai.credit.urls_public")),
    path("", include("gongkai.mailbox.urls_public")),
    path("", include("gongkai.normative.urls_public")),
    path("", include("gongkai.appeals.urls_public")),
    path("", include("gongkai.reports.urls_public")),
    path("", include("gongkai.land.urls_public")),
    path("", include("gongkai.search.urls_public")),
    path("", include("gongkai.portal.urls")),
]
# Uploaded files are never served directly, not even in development: every download goes through a
# view that asks the access policy (private attachments of applications and appeals live in the same
# MEDIA_ROOT as published originals).
