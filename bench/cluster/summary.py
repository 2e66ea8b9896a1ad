"""The cluster bench's report, as plain text."""

from __future__ import annotations

from typing import Any


def _scaling(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["Open311 POST through haproxy, by web hosts in service:"]
    base = rows[0]["requests_per_second"] if rows else 0
    for count, row in enumerate(rows, start=1):
        ratio = row["requests_per_second"] / base if base else 0
        lines.append(
            f"  {count} host(s): {row['requests_per_second']:>6} req/s ({ratio:.2f} x), "
            f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, c{row['concurrency']}, "
            f"{row['acknowledged']} acknowledged, {row['failed']} failed, "
            f"by host {row['served_by']}, load average {row['load_average']}; CPU per report: "
            f"web hosts {row['web_cpu_ms']} ms, data host {row['data_cpu_ms']} ms"
        )
    return lines


def _failure(row: dict[str, Any]) -> list[str]:
    kills = ", ".join(
        f"{host} at {kill['at_second']} s ({kill['processes']} processes)"
        for host, kill in row["kills"].items()
    )
    return [
        f"Intake while hosts die ({row['wall_seconds']} s, c{row['concurrency']}): killed {kills}",
        f"  requests {row['requests']}, acknowledged {row['acknowledged']}, "
        f"never acknowledged {row['failed']}, {row['requests_per_second']} req/s, "
        f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, load average {row['load_average']}",
        f"  retried by the client: {row['retried_requests']} requests "
        f"({row['retry_attempts']} extra attempts; first failures {row['first_failures']}; "
        f"{row['retried_then_acknowledged']} acknowledged on a retry), "
        f"by second of the phase {row['retry_timeline']}",
        f"  final answers {row['statuses']} (200: a retry that found its report stored); "
        f"answered by {row['served_by']}; haproxy after the kill: {row['haproxy_after_kill']}",
    ]


def _stored(row: dict[str, Any]) -> list[str]:
    lines = [
        f"Acknowledged {row['acknowledged']}, stored {row['stored']}, lost {row['lost']} "
        f"(every acknowledged service_request_id looked up in PostgreSQL); stored without an "
        f"acknowledgement: {row['stored_not_acknowledged']}"
    ]
    if row["lost"]:
        lines.append(f"  LOST, e.g. {row['lost_samples']}")
    return lines


def _photos(row: dict[str, Any]) -> list[str]:
    lines = [f"Photos uploaded to web1, processed by {row['processed_by']}, linked by web2:"]
    for photo in row["photos"]:
        if photo.get("url"):
            lines.append(
                f"  {photo['ticket']}: {photo['url']} -> {photo['format']} {photo['size']}, "
                f"{photo['bytes']} bytes, GPS in public copy: {photo['gps_in_public_copy']}"
            )
        else:
            lines.append(f"  {photo['ticket']}: NOT SERVED")
    return lines


def _rate_limit(row: dict[str, Any]) -> list[str]:
    return [
        f"Rate limit ({row['limit']}): {row['sent']} reports sent one by one through haproxy, "
        f"{row['accepted']} accepted, first 429 at request #{row['first_429_at_request']}",
        f"  by host: {row['by_host']}; another citizen's report right after: "
        f"HTTP {row['another_citizen_next']}",
    ]


def _periodic(row: dict[str, Any]) -> list[str]:
    return [
        f"Periodic jobs over {row['minutes']} minutes: {row['claims']} claims "
        f"(by host {row['claims_by_host']}), {row['claims_refused_by_database']} claims refused "
        f"by the database (the other host was first), claimed twice {row['claimed_twice']}",
        f"  enqueued by {row['enqueued_by_host']}, executed by {row['executed_by_host']}; "
        f"ran twice {row['ran_twice'] or 'none'}, not run {row['not_run'] or 'none'}",
        f"  per job (executed/claimed): {row['per_task']}",
    ]


def render(report: dict[str, Any]) -> str:
    lines = ["", "== make bench-cluster: 3 web hosts, 2 worker hosts, 1 data host, haproxy =="]
    sections = (
        ("scaling", _scaling),
        ("failure", _failure),
        ("stored", _stored),
        ("photos", _photos),
        ("rate_limit", _rate_limit),
        ("periodic", _periodic),
    )
    for key, render_section in sections:
        if key in report:
            lines += render_section(report[key])
    lines.append(f"Whole run: {report.get('seconds')} s")
    failures = report.get("failures", [])
    lines.append("FAILED: " + "; ".join(failures) if failures else "All checks passed.")
    return "\n".join(lines)
