"""Writing regions: GeoJSON import and the approximate demo layout."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from django.db import transaction
from shapely.geometry import mapping

from balaikota.core import audit
from balaikota.regions import malang
from balaikota.regions.lookup import InvalidGeometry, area_km2, parse_geometry
from balaikota.regions.models import Level, Region, RegionAlias
from balaikota.regions.names import normalise_name


class RegionImportError(Exception):
    """The file cannot be imported; nothing was written. `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    parents_created: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PropertyNames:
    code: str = "kode"
    name: str = "nama"
    parent: str | None = "kode_kecamatan"
    parent_name: str | None = "kecamatan"


def read_features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegionImportError([f"{path}: cannot be read ({exc.strerror})"]) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegionImportError([f"{path}: not a JSON file ({exc})"]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise RegionImportError([f"{path}: not a GeoJSON FeatureCollection"])
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise RegionImportError([f"{path}: the FeatureCollection has no features"])
    return features


def _parent_level(level: Level) -> Level | None:
    return {Level.VILLAGE: Level.DISTRICT, Level.DISTRICT: Level.CITY}.get(level)


@transaction.atomic
def import_regions(
    features: list[dict[str, Any]], *, level: Level, props: PropertyNames
) -> ImportReport:
    """Create or update one region per feature, keyed by code. All or nothing."""
    problems: list[str] = []
    parsed: list[tuple[str, str, str | None, str | None, Any]] = []
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        properties = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        code = str(properties.get(props.code) or "").strip()
        name = str(properties.get(props.name) or "").strip()
        where = f"feature {number}" + (f" ({code})" if code else "")
        if not code:
            problems.append(f"{where}: no code in property '{props.code}'")
            continue
        if not name:
            problems.append(f"{where}: no name in property '{props.name}'")
            continue
        if code in seen:
            problems.append(f"{where}: the code appears twice in the file")
            continue
        seen.add(code)
        parent_code = str(properties.get(props.parent) or "").strip() if props.parent else None
        parent_name = (
            str(properties.get(props.parent_name) or "").strip() if props.parent_name else None
        )
        try:
            geometry = parse_geometry(feature.get("geometry") or {})
        except InvalidGeometry as exc:
            problems.append(f"{where}: {exc}")
            continue
        parsed.append((code, name, parent_code or None, parent_name or None, geometry))
    if problems:
        raise RegionImportError(problems)

    report = ImportReport()
    parent_level = _parent_level(level)
    parents: dict[str, Region] = {}
    for code, name, parent_code, parent_name, geometry in parsed:
        parent = None
        if parent_code and parent_level is not None:
            parent = parents.get(parent_code) or _get_or_create_parent(
                parent_code, parent_name, parent_level, report
            )
            parents[parent_code] = parent
        values = {
            "name": name,
            "level": level,
            "parent": parent,
            "geometry": mapping(geometry),
            "is_approximate": False,
            "centre_lat": geometry.representative_point().y,
            "centre_lon": geometry.representative_point().x,
            "area_km2": round(area_km2(geometry), 4),
        }
        region = Region.objects.filter(code=code).first()
        if region is None:
            region = Region.objects.create(code=code, **values)
            report.created += 1
            audit.record(
                actor=None,
                action="region.created",
                object_type="region",
                object_id=code,
                after={"name": name, "level": str(level)},
            )
        elif _differs(region, values):
            for key, value in values.items():
                setattr(region, key, value)
            region.save()
            report.updated += 1
            audit.record(
                actor=None,
                action="region.updated",
                object_type="region",
                object_id=code,
                after={"name": name, "level": str(level)},
            )
        else:
            report.unchanged += 1
    for parent in parents.values():
        _derive_boundary_from_children(parent)
    return report


def _differs(region: Region, values: dict[str, Any]) -> bool:
    for key, value in values.items():
        current = getattr(region, key)
        if key == "geometry":
            # Compare through JSON so tuples and lists of the same coordinates are equal.
            if json.dumps(current, sort_keys=True) != json.dumps(
                json.loads(json.dumps(value)), sort_keys=True
            ):
                return True
        elif current != value:
            return True
    return False


def _get_or_create_parent(
    code: str, name: str | None, level: Level, report: ImportReport
) -> Region:
    parent = Region.objects.filter(code=code).first()
    if parent is not None:
        return parent
    if not name:
        raise RegionImportError(
            [f"parent region {code} does not exist and the file gives no name for it"]
        )
    report.parents_created.append(code)
    return Region.objects.create(code=code, name=name, level=level)


def _derive_boundary_from_children(parent: Region) -> None:
    children = [
        parse_geometry(child.geometry)
        for child in parent.children.all()
        if child.geometry is not None
    ]
    if not children:
        return
    union = shapely.union_all(children)
    parent.geometry = mapping(union)
    parent.is_approximate = any(child.is_approximate for child in parent.children.all())
    parent.centre_lat = union.representative_point().y
    parent.centre_lon = union.representative_point().x
    parent.area_km2 = round(area_km2(union), 4)
    parent.save()


def add_alias(region: Region, name: str) -> None:
    RegionAlias.objects.get_or_create(
        region=region, normalised=normalise_name(name), defaults={"name": name}
    )


@transaction.atomic
def ensure_malang_regions(*, boundaries: Path | None) -> bool:
    """The city, its 5 kecamatan and 57 kelurahan. Returns True when the boundaries are real.

    With a boundary file the real polygons are imported; without one each kelurahan gets
    an approximate area (a Voronoi cell around its public centre point, clipped to the
    hull of all centres), marked as approximate for the admin page to say so.
    """
    city, _ = Region.objects.get_or_create(
        code=malang.CITY[0], defaults={"name": malang.CITY[1], "level": Level.CITY}
    )
    districts = {}
    for code, name in malang.DISTRICTS:
        districts[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": Level.DISTRICT, "parent": city}
        )
    if boundaries is not None and boundaries.exists():
        import_regions(read_features(boundaries), level=Level.VILLAGE, props=PropertyNames())
        real = True
    else:
        if not Region.objects.filter(level=Level.VILLAGE, is_approximate=False).exists():
            _lay_out_approximate_villages(districts)
        real = False
    for code, names in malang.ALIASES.items():
        region = Region.objects.filter(code=code).first()
        if region is not None:
            for name in names:
                add_alias(region, name)
    _derive_boundary_from_children(city)
    return real


def _lay_out_approximate_villages(districts: dict[str, Region]) -> None:
    areas = malang.approximate_village_areas()
    for code, name, lat, lon in malang.VILLAGES:
        geometry = areas[code]
        Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": Level.VILLAGE,
                "parent": districts[code[:8]],
                "geometry": mapping(geometry),
                "is_approximate": True,
                "centre_lat": lat,
                "centre_lon": lon,
                "area_km2": round(area_km2(geometry), 4),
            },
        )
    for district in districts.values():
        _derive_boundary_from_children(district)
