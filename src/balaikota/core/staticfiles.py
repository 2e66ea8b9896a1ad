"""Static files storage for production: hashed, compressed names served by WhiteNoise."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, rewriting only the references CSS files make to images and
    other stylesheets.

    Django also rewrites `sourceMappingURL` comments, and refuses to collect a file whose
    source map is not there; some packaged libraries (Leaflet.markercluster's) name a map
    they do not ship. Maps are for developers' tools only, so they are left as they are.
    """

    patterns = (
        (
            "*.css",
            (
                r"""(?P<matched>url\(['"]{0,1}\s*(?P<url>.*?)["']{0,1}\))""",
                (
                    r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""",
                    """@import url("%(url)s")""",
                ),
            ),
        ),
    )
