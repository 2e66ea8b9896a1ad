"""Markdown tables of a benchmark run, in the shape used by docs/PERFORMANCE.md."""

from __future__ import annotations

from typing import Any

from photo_bench import lines as photo_lines
from reads import table as reads_table

_INTAKE_HEAD = (
    "| database | scenario | conc. | requests | 201 | errors | req/s | p50 ms | p90 ms "
    "| p99 ms | max ms | CPU % web/worker/pg/client/others |\n"
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def _cpu(shares: dict[str, float]) -> str:
    if not shares:
        return "-"
    parts = ("web_pct", "worker_pct", "postgres_pct", "loadgen_pct", "others_pct")
    return "/".join(f"{shares.get(part, 0):.0f}" for part in parts)


def _queue(backlog: dict[str, int]) -> str:
    return (
        f"{backlog['queued']} tasks ({backlog['deliver_outbox']} deliver_outbox, "
        f"{backlog['process_photo']} process_photo), {backlog['results_kept']} results stored"
    )


def _outbox_line(outbox: dict[str, Any] | None) -> str:
    if not outbox:
        return "- outbox: not measured"
    return (
        f"- outbox: {outbox['written_during_intake']} messages written during intake "
        f"({outbox['written_per_second']}/s), {outbox['sent_per_second_during_intake']}/s sent "
        f"meanwhile; {outbox['pending_when_intake_ended']} pending when intake ended, "
        f"{outbox['pending_at_end']} pending {outbox['seconds_to_drain_after_intake']} s later "
        f"(drained: {outbox['drained']})"
    )


def machine_table(machine: dict[str, str]) -> str:
    rows = "\n".join(f"| {key} | {value} |" for key, value in machine.items())
    return f"| | |\n|---|---|\n{rows}"


def intake_table(database: str, scenarios: list[dict[str, Any]]) -> str:
    rows = [
        f"| {database} | {s['scenario']} | {s['concurrency']} | {s['sent']} | "
        f"{s['created_201']} | {s['errors']} | {s['requests_per_second']} | {s['p50_ms']} | "
        f"{s['p90_ms']} | {s['p99_ms']} | {s['max_ms']} | {_cpu(s['cpu'])} |"
        for s in scenarios
    ]
    return "\n".join([_INTAKE_HEAD, *rows])


def verification_lines(check: dict[str, Any]) -> str:
    photos = check["photos"]
    log = check["server_log"]
    return "\n".join(
        [
            f"- stored: {check['stored']}/{check['acknowledged']} acknowledged complaints "
            f"({check['unique_tickets']} distinct tickets)",
            f"- photos: {photos['processing_when_intake_ended']}/{photos['photos']} still "
            f"processing when the last upload was answered; {photos['ready']} ready, "
            f"{photos['failed']} failed {photos['seconds_after_intake']} s later "
            f"(all done: {photos['all_done']}; CPU % web/worker/pg/client/others meanwhile: "
            f"{_cpu(photos['cpu'])})",
            _outbox_line(check.get("outbox")),
            f"- Huey queue when the last upload was answered: "
            f"{_queue(check['queue_when_intake_ended'])}; after the wait: "
            f"{_queue(check['queue_after_wait'])}",
            f"- server log: {log['tracebacks']} tracebacks, {log['database_is_locked']} "
            f"'database is locked', {log['http_5xx_in_access_log']} 5xx answers, "
            f"{log['worker_timeouts']} worker timeouts",
        ]
    )


def lookup_table(lookup: dict[str, Any]) -> str:
    return "\n".join(
        [
            "| points | areas | build s | points/s | µs/point | inside | nearest | outside "
            "| vectorised STRtree points/s (inside only) |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
            f"| {lookup['points']} | {lookup['areas']} | {lookup['build_seconds']} | "
            f"{lookup['points_per_second']} | {lookup['microseconds_per_point']} | "
            f"{lookup['share_inside']:.2%} | {lookup['share_nearest']:.2%} | "
            f"{lookup['share_outside']:.2%} | {lookup['reference_vectorised_points_per_second']} |",
        ]
    )


def lookup_note(lookup: dict[str, Any]) -> str:
    gaps = lookup["nearest_in_gaps_between_kelurahan"]
    return (
        f"- of the {lookup['nearest']} 'nearest' answers, {gaps} lie in gaps between kelurahan "
        f"and {lookup['nearest'] - gaps} within the tolerance outside the city's outline; the "
        f"vectorised STRtree query found {lookup['reference_vectorised_inside']} points inside "
        f"(RegionIndex: {lookup['inside']})"
    )


def render(results: dict[str, Any]) -> str:
    parts = [f"Code: {results['code']}", "## Machine", machine_table(results["machine"])]
    if "lookup" in results:
        lookup = results["lookup"]
        parts += ["## Point -> kelurahan lookup", lookup_table(lookup), lookup_note(lookup)]
    if "photo" in results:
        parts += ["## Photo (12 MP JPEG)", photo_lines(results["photo"])]
    if "intake" in results:
        intake = results["intake"]
        parts += [
            f"## Intake ({intake['database']}, launched with {intake['launcher']})",
            intake_table(intake["database"], intake["scenarios"]),
            verification_lines(intake["verification"]),
        ]
    if "reads" in results:
        reads = results["reads"]
        parts += [f"## Reads ({reads['database']}, balaikota serve)", reads_table(reads)]
    return "\n\n".join(parts) + "\n"
