from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("urbis.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("urbis.api.urls")),
    path("members/", include("urbis.members.urls")),
    path("registration/", include("urbis.registration.urls")),
    path("awards/", include("urbis.awards.urls")),
    path("assembly/", include("urbis.assembly.urls")),
    path("", include("urbis.program.urls")),
    path("", include("urbis.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
