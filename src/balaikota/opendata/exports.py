"""Writing the open-data export: CSV and GeoJSON streamed row by row, Excel in a file.

Streaming keeps memory flat however large the range: rows are read from the database in
chunks and written out as they come.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from balaikota.complaints.models import Complaint
from balaikota.core import plaintext
from balaikota.opendata import fields

# An Excel file is built whole before it is sent (about a minute per 200,000 rows here):
# larger ranges are for the streamed CSV. Excel itself stops at 1,048,575 rows.
XLSX_MAX_ROWS = 200_000


class _Line:
    """A file-like object whose write() returns what was written (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return plaintext.spreadsheet_safe(value)
    return value


def csv_lines(complaints: Iterable[Complaint], ctx: fields.Context) -> Iterator[str]:
    writer = csv.writer(_Line())
    # A byte-order mark, so that spreadsheet programs read the names' accents right.
    yield "\ufeff" + writer.writerow(fields.NAMES)
    for complaint in complaints:
        yield writer.writerow([_cell(v) for v in fields.row(complaint, ctx)])


def geojson_chunks(complaints: Iterable[Complaint], ctx: fields.Context) -> Iterator[str]:
    """A FeatureCollection; complaints without a location have a null geometry."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for complaint in complaints:
        properties = dict(zip(fields.NAMES, fields.row(complaint, ctx), strict=True))
        geometry = (
            {"type": "Point", "coordinates": [complaint.lon, complaint.lat]}
            if complaint.lat is not None and complaint.lon is not None
            else None
        )
        feature = {
            "type": "Feature",
            "id": complaint.ticket,
            "geometry": geometry,
            "properties": properties,
        }
        yield ("" if first else ",") + json.dumps(
            feature, ensure_ascii=False, separators=(",", ":")
        )
        first = False
    yield "]}"


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Text stays text: a citizen's "=HYPERLINK(...)" must not become a live formula."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=plaintext.clean(value))
    cell.data_type = "s"
    return cell


class TooManyRows(Exception):
    pass


def xlsx_file(complaints: Iterable[Complaint], ctx: fields.Context) -> IO[bytes]:
    """The workbook in a temporary file (write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("aduan")
    sheet.append(fields.NAMES)
    for count, complaint in enumerate(complaints, start=1):
        if count > XLSX_MAX_ROWS:
            raise TooManyRows
        sheet.append([_xlsx_cell(sheet, v) for v in fields.row(complaint, ctx)])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    workbook.save(handle)
    handle.seek(0)
    return handle
