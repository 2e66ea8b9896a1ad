"""Kelurahan boundaries uploaded by an admin: checked, previewed, then applied as previewed.

The file is the city's complete set of kelurahan (properties as `import-regions` reads them by
default: `kode`, `nama`, `kode_kecamatan`, `kecamatan`). It is kept as received in private
storage with its SHA-256; confirming reads that copy again, never a second upload, and applies
it only if it would still make the previewed changes. The import itself is `import-regions`'
(`services.import_regions`): the same checks, all or nothing. Then, in the same transaction,
the apps that keep a kelurahan per row re-place their rows (`boundaries_replaced`: complaints),
and kelurahan and kecamatan the file no longer has are removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from balaikota.core import audit
from balaikota.core.models import User
from balaikota.regions.lookup import InvalidGeometry, RegionIndex, parse_geometry
from balaikota.regions.models import BoundaryUpload, Level, Region
from balaikota.regions.selectors import index_cache
from balaikota.regions.services import (
    PropertyNames,
    RegionImportError,
    _derive_boundary_from_children,
    import_regions,
)

PROPS = PropertyNames()
# A kelurahan may reach this far beyond the city's present outline (degrees; about 3 km):
# the demo's approximate outline is smaller than the real one.
CITY_MARGIN_DEG = 0.03

# Sent with `locate` (lat, lon -> the new kelurahan's code or None) and `removed` (codes).
# For a preview each receiver returns {"moved": n, "lost": n}; once applied (inside the
# import's transaction, with `regions`: code -> id, and `user`) it re-places its rows.
boundaries_previewed = Signal()
boundaries_replaced = Signal()


class UploadRejected(Exception):
    """The file cannot be used; `problems` says why, for the admin."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Feature:
    code: str
    name: str
    parent: str
    parent_name: str
    geometry: Any


def read_upload(upload: UploadedFile) -> bytes:
    limit = settings.REGION_UPLOAD_MAX_BYTES
    if (upload.size or 0) > limit:
        raise UploadRejected(
            [_("The file is too big: at most %(mb)s MB.") % {"mb": f"{limit / 1_000_000:.0f}"}]
        )
    return upload.read(limit + 1)[: limit + 1]


def check(data: bytes) -> list[Feature]:
    """The kelurahan of a GeoJSON file, or UploadRejected listing every problem."""
    if len(data) > settings.REGION_UPLOAD_MAX_BYTES:
        raise UploadRejected([_("The file is too big.")])
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UploadRejected([_("This is not a GeoJSON file (it is not JSON).")]) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise UploadRejected([_("This is not a GeoJSON FeatureCollection.")])
    items = document.get("features")
    if not isinstance(items, list) or not items:
        raise UploadRejected([_("The file has no features.")])
    city = Region.objects.filter(level=Level.CITY).first()
    # Buffered once: a feature must touch the city's outline widened by the margin.
    outline = (
        parse_geometry(city.geometry).buffer(CITY_MARGIN_DEG) if city and city.geometry else None
    )
    problems: list[str] = []
    features: list[Feature] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        problem, feature = _feature(number, item, city, outline)
        if problem:
            problems.append(problem)
        elif feature is not None and feature.code in seen:
            problems.append(
                _("Feature %(n)s (%(code)s): the code appears twice.")
                % {"n": number, "code": feature.code}
            )
        elif feature is not None:
            seen.add(feature.code)
            features.append(feature)
    if problems:
        raise UploadRejected(problems)
    return features


def _feature(
    number: int, item: Any, city: Region | None, outline: Any
) -> tuple[str | None, Feature | None]:
    properties = item.get("properties") if isinstance(item, dict) else None
    if not isinstance(properties, dict):
        return _("Feature %(n)s has no properties.") % {"n": number}, None
    values = {
        key: str(properties.get(key) or "").strip()
        for key in ("kode", "nama", "kode_kecamatan", "kecamatan")
    }
    missing = [key for key in ("kode", "nama", "kode_kecamatan") if not values[key]]
    if missing:
        return _("Feature %(n)s lacks the property %(names)s.") % {
            "n": number,
            "names": ", ".join(f"“{m}”" for m in missing),
        }, None
    code, where = values["kode"], {"n": number, "code": values["kode"]}
    if city is not None and not (
        code.startswith(city.code + ".") and values["kode_kecamatan"].startswith(city.code + ".")
    ):
        return _("Feature %(n)s (%(code)s): the code is not of %(city)s.") % (
            where | {"city": city.name}
        ), None
    try:
        geometry = parse_geometry(item.get("geometry") or {})
    except InvalidGeometry as exc:
        return _("Feature %(n)s (%(code)s): the polygon is not valid (%(why)s).") % (
            where | {"why": exc}
        ), None
    if outline is not None and outline.disjoint(geometry):
        return _("Feature %(n)s (%(code)s) lies outside %(city)s.") % (
            where | {"city": city.name if city else ""}
        ), None
    return None, Feature(
        code, values["nama"], values["kode_kecamatan"], values["kecamatan"], geometry
    )


def preview(features: list[Feature]) -> dict[str, Any]:
    """What applying the file would change, as JSON for the page and for the check at
    confirmation (`digest`: the regions as they stand and the changes the file makes to them;
    complaint counts move with new reports and are left out)."""
    current = {
        r.code: r
        for r in Region.objects.filter(level__in=[Level.VILLAGE, Level.DISTRICT]).select_related(
            "parent"
        )
    }
    villages = {c: r for c, r in current.items() if r.level == Level.VILLAGE}
    districts = {c: r for c, r in current.items() if r.level == Level.DISTRICT}
    codes = {f.code for f in features}
    parents = {f.parent for f in features}
    standing = {code: _standing(region) for code, region in current.items()}
    added, changed = [], []
    for f in features:
        old = villages.get(f.code)
        row = {"code": f.code, "name": f.name, "district": f.parent}
        if old is None:
            added.append(row | {"level": Level.VILLAGE})
        elif (
            old.name != f.name
            or (old.parent.code if old.parent else "") != f.parent
            or old.is_approximate
            or standing[f.code]["shape"] != _digest(_geometry_json(mapping(f.geometry)))
        ):
            changed.append(row | {"level": Level.VILLAGE, "was": old.name})
    for code in sorted(parents - set(districts)):
        name = next(f.parent_name for f in features if f.parent == code)
        added.append({"code": code, "name": name, "district": "", "level": Level.DISTRICT})
    removed = [
        {"code": r.code, "name": r.name, "level": r.level}
        for r in sorted(villages.values(), key=lambda r: r.code)
        if r.code not in codes
    ] + [
        {"code": r.code, "name": r.name, "level": r.level}
        for r in sorted(districts.values(), key=lambda r: r.code)
        if r.code not in parents
    ]
    problems = [
        _("Feature for kecamatan %(code)s gives no name for it, and it does not exist yet.")
        % {"code": row["code"]}
        for row in added
        if row["level"] == Level.DISTRICT and not row["name"]
    ] + _still_used(removed)
    locate = _locator(features)
    removed_codes = {row["code"] for row in removed}
    moved, lost = _total(
        boundaries_previewed.send(sender=BoundaryUpload, locate=locate, removed=removed_codes)
    )
    changes = {"added": added, "changed": changed, "removed": removed}
    return changes | {
        "unchanged": len(features)
        - len(changed)
        - len([a for a in added if a["level"] == Level.VILLAGE]),
        "moved": moved,
        "lost": lost,
        "problems": problems,
        "digest": _digest(audit.canonical({"changes": changes, "standing": standing})),
    }


def _standing(region: Region) -> dict[str, Any]:
    """What a preview was made against: another admin's rename or edit in between makes the
    preview stale, whether or not the file touches that region."""
    return {
        "name": region.name,
        "parent": region.parent.code if region.parent else "",
        "approximate": region.is_approximate,
        "shape": _digest(_geometry_json(region.geometry)),
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _total(responses: list[tuple[Any, Any]]) -> tuple[int, int]:
    """The complaints (and any other rows) the receivers re-place and leave without one."""
    counts = [r for _receiver, r in responses if isinstance(r, dict)]
    return sum(c.get("moved", 0) for c in counts), sum(c.get("lost", 0) for c in counts)


def _geometry_json(geometry: Any) -> str:
    return json.dumps(json.loads(json.dumps(geometry)), sort_keys=True)


def _locator(features: list[Feature]) -> Callable[[float, float], str | None]:
    index = RegionIndex((f.code, f.geometry) for f in features)
    return lambda lat, lon: index.locate(lat, lon).code


def _still_used(removed: list[dict[str, Any]]) -> list[str]:
    """Removing a region must not take with it what other rows hang on it (a routing rule,
    an agency's area, an e-mail alert). Complaints are re-placed, aliases go with it."""
    codes = [row["code"] for row in removed]
    if not codes:
        return []
    problems = []
    handled = {"complaints.complaint", "regions.region", "regions.regionalias"}
    for relation in Region._meta.related_objects:
        model = relation.related_model
        if model._meta.label_lower in handled or relation.field is None:
            continue
        count = model._default_manager.filter(**{f"{relation.field.name}__code__in": codes}).count()
        if count:
            problems.append(
                _(
                    "%(count)s %(what)s still use a kelurahan or kecamatan the file no longer "
                    "has; change them first."
                )
                % {"count": count, "what": model._meta.verbose_name_plural}
            )
    return problems


def store(upload: UploadedFile, user: User) -> BoundaryUpload:
    """Check the file and keep it with its preview; UploadRejected when it cannot be used."""
    data = read_upload(upload)
    result = preview(check(data))
    digest = hashlib.sha256(data).hexdigest()
    name = storages["private"].save(f"boundaries/{digest}.geojson", ContentFile(data))
    with transaction.atomic():
        row = BoundaryUpload.objects.create(
            file=name,
            sha256=digest,
            original_name=(upload.name or "")[:255],
            size=len(data),
            preview=result,
            uploaded_by=user,
        )
        audit.record(
            actor=user,
            action="region.boundaries_previewed",
            object_type="boundary_upload",
            object_id=str(row.pk),
            after={"sha256": digest, "size": len(data), **_counts(result)},
        )
    return row


def _counts(result: dict[str, Any]) -> dict[str, int]:
    return {
        "added": len(result["added"]),
        "changed": len(result["changed"]),
        "removed": len(result["removed"]),
        "moved": result["moved"],
        "lost": result["lost"],
    }


def apply(upload_id: int, user: User) -> dict[str, Any]:
    """Apply a previewed upload as previewed, all or nothing; UploadRejected otherwise."""
    with transaction.atomic():
        upload = BoundaryUpload.objects.select_for_update().get(pk=upload_id)
        if upload.applied_at is not None:
            raise UploadRejected([_("This file was applied already.")])
        with storages["private"].open(upload.file, "rb") as stored:
            data = stored.read()
        if hashlib.sha256(data).hexdigest() != upload.sha256:
            raise UploadRejected([_("The stored file has changed. Upload it again.")])
        features = check(data)
        result = preview(features)
        if result["problems"]:
            raise UploadRejected(result["problems"])
        if result["digest"] != upload.preview["digest"]:
            raise UploadRejected(
                [
                    _(
                        "The regions changed since the preview. Upload the file again to see the "
                        "changes."
                    )
                ]
            )
        try:
            import_regions(_as_geojson(features), level=Level.VILLAGE, props=PROPS)
        except RegionImportError as exc:
            raise UploadRejected(exc.problems) from exc
        city = Region.objects.filter(level=Level.CITY).first()
        # import_regions makes a new kecamatan without its city
        Region.objects.filter(level=Level.DISTRICT, parent__isnull=True).update(parent=city)
        removed = {row["code"] for row in result["removed"]}
        regions = dict(Region.objects.filter(level=Level.VILLAGE).values_list("code", "id"))
        moved, lost = _total(
            boundaries_replaced.send(
                sender=BoundaryUpload,
                locate=_locator(features),
                removed=removed,
                regions=regions,
                user=user,
            )
        )
        _remove(removed, user)
        for city in Region.objects.filter(level=Level.CITY):
            _derive_boundary_from_children(city)
        upload.applied_at = timezone.now()
        upload.save(update_fields=["applied_at"])
        done = _counts(result) | {"moved": moved, "lost": lost}
        audit.record(
            actor=user,
            action="region.boundaries_applied",
            object_type="boundary_upload",
            object_id=str(upload.pk),
            after={"sha256": upload.sha256, **done},
        )
        transaction.on_commit(index_cache.clear)
    return done


def _as_geojson(features: list[Feature]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": mapping(f.geometry),
            "properties": {
                PROPS.code: f.code,
                PROPS.name: f.name,
                "kode_kecamatan": f.parent,
                "kecamatan": f.parent_name,
            },
        }
        for f in features
    ]


def _remove(codes: set[str], user: User) -> None:
    # Kelurahan first: a kecamatan is protected while it has any.
    for level in (Level.VILLAGE, Level.DISTRICT):
        for region in Region.objects.filter(code__in=codes, level=level):
            audit.record(
                actor=user,
                action="region.removed",
                object_type="region",
                object_id=region.code,
                before={"name": region.name, "level": str(region.level)},
            )
            region.delete()
