"""The staff copy of a photo (unblurred, without metadata), for staff who may see its
complaint. It lives in private storage, which no URL serves: only this view reads it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from balaikota.complaints import photo_copies, selectors
from balaikota.complaints.models import Photo
from balaikota.core import roles
from balaikota.core.models import User


@require_GET
# Never kept by a shared cache; the browser may keep it for a while, as the file behind an
# address never changes.
@cache_control(private=True, max_age=3600)
def staff_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """`?ukuran=kecil` gives the thumbnail."""
    if not roles.is_staff_member(request.user):
        raise PermissionDenied(_("This page is for city staff."))
    user: User = request.user  # type: ignore[assignment]
    photo = (
        Photo.objects.filter(pk=pk, complaint__in=selectors.visible_to_staff(user))
        .exclude(staff_image="")
        .first()
    )
    if photo is None:
        raise Http404("no such photo")
    name = photo.staff_image
    if request.GET.get("ukuran") == "kecil":
        name = photo_copies.staff_thumbnail_name(name)
    try:
        handle = storages["private"].open(name, "rb")
    except FileNotFoundError:
        raise Http404("the file is gone") from None
    return FileResponse(handle, content_type="image/jpeg")
