from django.urls import path

from gongkai.publishing import views_public

app_name = "publishing_public"

urlpatterns = [
    path("gk/<str:code>/proactive/<int:node_id>/", views_public.node_list, name="list"),
    path("gk/<str:code>/proactive/<int:node_id>/feed.atom", views_public.AgencyFeed(), name="node_feed"),
    path("gk/<str:code>/feed.atom", views_public.AgencyFeed(), name="feed"),
    path("gk/<str:code>/info/<int:pk>/", views_public.item_detail, name="detail"),
    path("gk/<str:code>/info/<int:pk>/v<int:number>/", views_public.item_detail, name="version"),
    path("gk/<str:code>/info/<int:pk>/files/<int:file_id>/", views_public.item_file, name="file"),
]
