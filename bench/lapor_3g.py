"""`/lapor` on slow 3G: a citizen's first visit, timed in Debian's Chromium.

Issue 11's goal: in production (DEBUG off, `balaikota serve`, compressed), on a link of
400 kbit/s down and 400 ms of latency, the first paint within 3 s and the form usable
within 4 s, with the HTML compressed on the wire.

`make bench-lapor` (or `.venv/bin/python bench/lapor_3g.py --runs 3`): the server starts
as bench/run.py starts it (bench/server.py: a throw-away VAR_DIR, the demo data, production
settings, no map tiles), then each run opens /lapor in a new browser context (a cold cache)
on a phone's screen (390 px) with the link throttled through the DevTools protocol
(`Network.emulateNetworkConditions`: the latency is added to every request and the
throughput shared by them, the way Chrome's own "Slow 3G" preset works). Requests to any
other host are refused and counted.

The form is *usable* when the text field and the submit button are there and enabled and
report.js (which keeps the draft, checks the photo's location and sends the form) has run:
it marks the form `data-ready`. An init script polls for that every 10 ms.

Then, with JavaScript off, the form is filled and sent once: it must still reach the
"report sent" page (the photo carries its location in its EXIF).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from samples import base_photo, with_gps
from server import AppServer, load_demo, new_server, start, stop

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
KBIT = 1000 / 8  # bytes per second in one kbit/s
GOALS = {"first_paint_ms": 3000, "usable_ms": 4000}
PAGE_TIMEOUT_MS = 60_000

# Runs in the page before its own scripts: the paint entries, and when the form became usable.
TIMING_SCRIPT = """
(() => {
  const usable = () => {
    const form = document.getElementById("report-form");
    const text = document.querySelector("#report-form [name=text]");
    const send = document.getElementById("submit-button");
    return !!(form && text && send && !text.disabled && !send.disabled
              && form.dataset.ready === "1");
  };
  const poll = setInterval(() => {
    if (usable()) { window.__usableAt = performance.now(); clearInterval(poll); }
  }, 10);
})();
"""

READ_TIMINGS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(
    performance.getEntriesByType("paint").map((entry) => [entry.name, entry.startTime]));
  return {
    first_paint_ms: paint["first-paint"] ?? null,
    first_contentful_paint_ms: paint["first-contentful-paint"] ?? null,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    load_ms: nav.loadEventEnd,
    usable_ms: window.__usableAt ?? null,
  };
}
"""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold visits (default 3)")
    parser.add_argument("--down-kbps", type=float, default=400)
    parser.add_argument("--up-kbps", type=float, default=400)
    parser.add_argument("--latency-ms", type=float, default=400)
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep-var", action="store_true", help="keep the temporary VAR_DIR")
    parser.add_argument(
        "--var-dir",
        type=Path,
        help="use (and keep) this VAR_DIR; the demo is loaded only if it has no database yet",
    )
    return parser.parse_args(argv)


def _phone(browser: Browser, server: AppServer, *, javascript: bool = True) -> BrowserContext:
    context = browser.new_context(
        base_url=server.base_url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="id-ID",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


class Wire:
    """What crossed the (throttled) wire, from the DevTools protocol's network events."""

    def __init__(self) -> None:
        self.kind: dict[str, str] = {}
        self.url: dict[str, str] = {}
        self.encoding: dict[str, str] = {}
        self.cache: dict[str, str] = {}
        self.bytes: dict[str, int] = {}

    def response(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        if event["response"]["url"].startswith("data:"):
            return  # inline (an SVG in a stylesheet): never on the wire
        self.kind[request_id] = event.get("type", "Other")
        self.url[request_id] = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        self.encoding[request_id] = headers.get("content-encoding", "")
        self.cache[request_id] = headers.get("cache-control", "")

    def finished(self, event: dict[str, Any]) -> None:
        self.bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def by_type(self) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = defaultdict(lambda: {"requests": 0, "bytes": 0})
        for request_id, kind in self.kind.items():
            totals[kind]["requests"] += 1
            totals[kind]["bytes"] += self.bytes.get(request_id, 0)
        return dict(totals)

    def resources(self) -> list[dict[str, Any]]:
        return [
            {
                "type": kind,
                "url": self.url[request_id].split("?")[0].rsplit("/", 1)[-1] or "/",
                "bytes": self.bytes.get(request_id, 0),
                "encoding": self.encoding.get(request_id, ""),
                "cache_control": self.cache.get(request_id, ""),
            }
            for request_id, kind in self.kind.items()
        ]

    def document_encoding(self) -> str:
        documents = [rid for rid, kind in self.kind.items() if kind == "Document"]
        return self.encoding.get(documents[0], "") if documents else ""


def _throttle(context: BrowserContext, page: Page, args: argparse.Namespace) -> Wire:
    wire = Wire()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": args.latency_ms,
            "downloadThroughput": args.down_kbps * KBIT,
            "uploadThroughput": args.up_kbps * KBIT,
        },
    )
    cdp.on("Network.responseReceived", wire.response)
    cdp.on("Network.loadingFinished", wire.finished)
    return wire


def _refuse_other_hosts(context: BrowserContext, server: AppServer, outside: list[str]) -> None:
    def route(route: Any) -> None:
        if route.request.url.startswith(server.base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)


def visit(browser: Browser, server: AppServer, args: argparse.Namespace) -> dict[str, Any]:
    """One cold visit to /lapor on the throttled link."""
    context = _phone(browser, server)
    outside: list[str] = []
    _refuse_other_hosts(context, server, outside)
    context.add_init_script(TIMING_SCRIPT)
    try:
        page = context.new_page()
        wire = _throttle(context, page, args)
        page.goto("/lapor", wait_until="load")
        page.wait_for_function("() => window.__usableAt !== undefined")
        # Whatever the page still fetches after its load event (the boundaries, ...).
        page.wait_for_load_state("networkidle")
        timings = page.evaluate(READ_TIMINGS)
    finally:
        context.close()
    return {
        **{key: round(value) if value is not None else None for key, value in timings.items()},
        "html_encoding": wire.document_encoding(),
        "by_type": wire.by_type(),
        "resources": wire.resources(),
        "outside_requests": outside,
    }


def without_javascript(browser: Browser, server: AppServer, folder: Path) -> dict[str, Any]:
    """Fill and send the form with JavaScript off (no throttling): where does it end? With
    no map to tap, the location comes from the photo's EXIF (the city centre here)."""
    photo = folder / "photo.jpg"
    photo.write_bytes(with_gps(base_photo(7), -7.9666, 112.6326))
    context = _phone(browser, server, javascript=False)
    try:
        page = context.new_page()
        page.goto("/lapor")
        page.fill("[name=text]", "Lampu penerangan jalan mati sejak tiga hari, gelap sekali.")
        page.set_input_files("[name=photos]", str(photo))
        with page.expect_navigation():
            page.click("#submit-button")
        sent = "/lapor/terkirim/" in page.url
        errors = page.locator(".alert-danger, .text-danger, .invalid-feedback").all_inner_texts()
        return {
            "sent": sent,
            "ended_at": page.url.removeprefix(server.base_url),
            "errors": [error.strip() for error in errors if error.strip()],
        }
    finally:
        context.close()


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run[key] is not None]
    return round(statistics.median(values)) if values else None


def summary(runs: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    keys = ("first_paint_ms", "first_contentful_paint_ms", "dom_content_loaded_ms")
    keys += ("load_ms", "usable_ms")
    return {
        "link": f"{args.down_kbps:g} kbit/s down, {args.up_kbps:g} up, {args.latency_ms:g} ms",
        "runs": len(runs),
        "median": {key: _median(runs, key) for key in keys},
        "max": {key: max((run[key] or 0) for run in runs) for key in keys},
        "html_encoding": sorted({run["html_encoding"] or "identity" for run in runs}),
        "by_type": runs[-1]["by_type"],
        "resources": runs[-1]["resources"],
        "outside_requests": sorted({url for run in runs for url in run["outside_requests"]}),
    }


def lines(result: dict[str, Any]) -> str:
    median, worst = result["median"], result["max"]
    out = [f"/lapor, cold cache, phone (390 px), {result['link']}; {result['runs']} runs"]
    for key, label in (
        ("first_paint_ms", "first paint"),
        ("first_contentful_paint_ms", "first contentful paint"),
        ("dom_content_loaded_ms", "DOMContentLoaded"),
        ("load_ms", "load"),
        ("usable_ms", "form usable"),
    ):
        goal = f" (goal < {GOALS[key]} ms)" if key in GOALS else ""
        out.append(f"  {label}: median {median[key]} ms, worst {worst[key]} ms{goal}")
    out.append(f"  HTML on the wire: {', '.join(result['html_encoding'])}")
    total = sum(kind["bytes"] for kind in result["by_type"].values())
    out.append(f"  bytes on the wire (last run): {total}")
    for kind, counted in sorted(result["by_type"].items(), key=lambda item: -item[1]["bytes"]):
        out.append(f"    {kind}: {counted['bytes']} bytes in {counted['requests']} request(s)")
    for resource in sorted(result["resources"], key=lambda item: -item["bytes"]):
        encoding = resource["encoding"] or "identity"
        cache = resource["cache_control"] or "no cache-control"
        out.append(f"      {resource['url']}: {resource['bytes']} ({encoding}; {cache})")
    if result["outside_requests"]:
        out.append(f"  refused requests to other hosts: {result['outside_requests']}")
    nojs = result.get("without_javascript")
    if nojs:
        state = "sent" if nojs["sent"] else "NOT sent"
        out.append(f"  without JavaScript: the form was {state} (ended at {nojs['ended_at']})")
        out += [f"    error shown: {error}" for error in nojs["errors"]]
    out.append(f"  load average at the end: {result['load_average']:.2f}")
    return "\n".join(out)


def met(result: dict[str, Any]) -> bool:
    median = result["median"]
    return (
        all(median[key] is not None and median[key] < goal for key, goal in GOALS.items())
        and "identity" not in result["html_encoding"]
        and bool(result.get("without_javascript", {}).get("sent"))
    )


def run(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    server = new_server(ROOT, var_dir, None)
    server.env["MAP_TILE_URL"] = ""  # no tiles: nothing but the app on the wire
    if not (var_dir / "balaikota.sqlite3").exists():
        print(f"demo data in {var_dir} ...", flush=True)
        load_demo(server, args.boundaries)
    start(server)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                # Warm the server (templates, caches), not the browser: each visit is cold.
                unthrottled = {"latency_ms": 0, "down_kbps": 100_000, "up_kbps": 100_000}
                visit(browser, server, argparse.Namespace(**{**vars(args), **unthrottled}))
                runs = [visit(browser, server, args) for _run in range(args.runs)]
                result = summary(runs, args)
                result["without_javascript"] = without_javascript(browser, server, var_dir)
            finally:
                browser.close()
    finally:
        stop(server)
    result["load_average"] = os.getloadavg()[0]
    return result


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="balaikota-lapor-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        result = run(args, var_dir)
    finally:
        if not (args.keep_var or args.var_dir):
            shutil.rmtree(var_dir, ignore_errors=True)
    print(lines(result))
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if met(result) else 1


if __name__ == "__main__":
    sys.exit(main())
