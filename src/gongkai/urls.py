from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

admin.site.site_header = "公开 Gongkai 管理"
admin.site.site_title = "公开 Gongkai"
admin.site.index_title = "基础数据"

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/applications/", include("gongkai.applications.urls_staff")),
    path("staff/credit/", include("gongkai.credit.urls_staff")),
    path("staff/mailbox/", include("gongkai.mailbox.urls_staff")),
    path("staff/", include("gongkai.staff.urls")),
    path("", include("gongkai.applications.urls_public")),
    path("", include("gongkai.publishing.urls_public")),
    path("staff/publishing/", include("gongkai.publishing.urls_staff")),
    path("", include("gongkai.credit.urls_public")),
    path("", include("gongkai.mailbox.urls_public")),
    path("", include("gongkai.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
