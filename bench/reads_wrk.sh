#!/bin/bash
# The public GET paths served by `balaikota serve` (DEBUG off), each with wrk -t1 -c8, on a
# copy of demo data made once (so that a busy machine does not spend minutes on
# `balaikota demo` before every run), optionally beside a peer GeoReport server.
#
#   bench/reads_wrk.sh LABEL DEMO_VAR_DIR [SECONDS]
#
# DEMO_VAR_DIR: a VAR_DIR where `balaikota demo --boundaries ... --i-know-this-is-not-production`
# ran (SQLite), or, with DATABASE_URL set, the VAR_DIR of the demo loaded into that database.
# The database is used as it is (keys are added); the VAR_DIR is copied and removed after.
# Optional: CODE=<a src folder> (e.g. from `git archive`) measures that code instead (PYTHONPATH);
# PEER=http://127.0.0.1:18311/api/georeport/v2 PEER_KEY=... adds the peer's services.json and
# its requests.json (100 rows) between ours. Prints one line per endpoint: req/s, p50, p99.
set -euo pipefail
label=$1
demo=$2
secs=${3:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/.venv/bin
var=$(mktemp -d "/tmp/reads-wrk-$label.XXXX")
trap 'rm -rf "$var"' EXIT
if [ -z "${DATABASE_URL:-}" ]; then
    cp "$demo"/*.sqlite3 "$var"/
fi
cp -r "$demo/models" "$var"/ 2>/dev/null || true
export VAR_DIR=$var DEBUG=false EMAIL_BACKEND_KIND=none ALLOW_INSECURE_HTTP=true LOG_LEVEL=WARNING
export ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_urlsafe(48))")
export SECRET_KEY
if [ -n "${CODE:-}" ]; then export PYTHONPATH=$CODE; fi
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export SITE_URL=http://127.0.0.1:$port
key() { "$bin/balaikota" create-api-key --name "wrk-$label-$1-$RANDOM" "${@:2}" | tail -1; }
public=$(key public --scope public-read --rate-limit 100000000)
agency=$(key agency --scope agency --agency dpupr --rate-limit 100000000)
setsid "$bin/balaikota" serve --port "$port" >"$var/serve.log" 2>&1 &
server=$!
trap 'kill -TERM -- -$server 2>/dev/null; sleep 2; kill -KILL -- -$server 2>/dev/null; rm -rf "$var"' EXIT
for _ in $(seq 1 240); do curl -sf "$SITE_URL/healthz" >/dev/null && break; sleep 0.5; done

measure() {  # name url header
    curl -s -o /dev/null -H "$3" "$2"
    wrk -t1 -c8 -d2s -H "$3" "$2" >/dev/null
    out=$(wrk -t1 -c8 -d"${secs}s" --latency -H "$3" "$2")
    echo "$1 | $(awk '/Requests\/sec/{print $2}' <<<"$out") req/s | p50 $(awk '/^ +50%/{print $2}' <<<"$out") | p99 $(awk '/^ +99%/{print $2}' <<<"$out") | non-2xx $(awk '/Non-2xx/{print $NF}' <<<"$out")"
}

echo "# $label $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
none="X-Bench: 1"
measure healthz "$SITE_URL/healthz" "$none"
measure services.json "$SITE_URL/open311/v2/services.json?api_key=$public" "$none"
if [ -n "${PEER:-}" ]; then measure "peer services.json" "$PEER/services.json" "$none"; fi
measure "requests.json 100" "$SITE_URL/open311/v2/requests.json?page_size=100&api_key=$public" "$none"
if [ -n "${PEER:-}" ]; then
    measure "peer requests.json 100" "$PEER/requests.json?api_key=${PEER_KEY:-}" "$none"
fi
measure "requests.xml 100" "$SITE_URL/open311/v2/requests.xml?page_size=100&api_key=$public" "$none"
measure "agency 50" "$SITE_URL/api/v1/agency/complaints?status=all" "Authorization: Bearer $agency"
measure "api categories" "$SITE_URL/api/v1/categories" "$none"
measure healthz "$SITE_URL/healthz" "$none"
echo "# end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
