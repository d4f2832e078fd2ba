#!/usr/bin/env bash
# Checks the deployment files in deploy/ as far as this machine can (no Docker engine here):
#
#   Dockerfile      static rules: multi-stage, static Swift stdlib, non-root USER, the same
#                   Debian release in both stages, health check on /healthz, sql/ shipped.
#   compose.yaml    parsed as YAML (PyYAML, else a textual check): services, start order,
#                   health checks, read-only anju, loopback port, no secret written in it.
#   anju.service    `systemd-analyze verify` (on a copy whose binary is a stub) must print
#                   nothing, `systemd-analyze security --offline` exposure at most 2.0,
#                   and the required settings are present.
#   nginx/anju.conf `nginx -t` with a throwaway self-signed certificate; no credential or
#                   query string in the log format; body limit equal to anju's.
#
# With --upstream HOST:PORT (a running `anju serve`, as DeployFilesTests starts one) it
# also runs nginx with the config in front of it and checks over real HTTP(S): redirect,
# TLS, HSTS, the body limit, /metrics hidden, nothing secret in the access log, a dead
# upstream answered as a problem; and runs the Dockerfile's HEALTHCHECK command against it.
#
# nginx: taken from PATH, else unpacked (not installed, so no daemon starts on port 80) from
# Debian's package with `apt-get download` into $ANJU_DEPLOY_TOOLS (default
# .build/deploy-tools). Without apt that part is skipped with a message; set
# ANJU_DEPLOY_STRICT=1 to fail instead of skipping anything.
#
# Exit status: 0 every check passed (or was skipped, said on stderr); 1 a check failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

upstream=""
while [ $# -gt 0 ]; do
    case "$1" in
        --upstream) upstream="${2:?--upstream needs HOST:PORT}"; shift 2 ;;
        *) echo "usage: $0 [--upstream HOST:PORT]" >&2; exit 64 ;;
    esac
done

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
skip() {
    if [ "${ANJU_DEPLOY_STRICT:-0}" = 1 ]; then fail "$* (ANJU_DEPLOY_STRICT=1)"; else echo "SKIP: $*" >&2; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/anju-deploy-check.XXXXXX")
nginx_pids=()
cleanup() {
    for pid in "${nginx_pids[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

command -v python3 >/dev/null 2>&1 || { echo "check-deploy-files: python3 is needed" >&2; exit 1; }
# The interpreter itself, once: a version manager's shim costs most of a second per call.
python=$(python3 -c 'import sys; print(sys.executable)')

# ---- Dockerfile ----------------------------------------------------------------------
if "$python" - "$root" <<'PY'
import json, re, sys, os
root = sys.argv[1]
text = open(os.path.join(root, "deploy/Dockerfile")).read()
# Join continuation lines, drop comments: one instruction per entry.
lines, current = [], ""
for raw in text.splitlines():
    if not current and raw.lstrip().startswith("#"):
        continue
    if raw.rstrip().endswith("\\"):
        current += raw.rstrip()[:-1] + " "
        continue
    current += raw
    if current.strip():
        lines.append(current.strip())
    current = ""
problems = []
args = {m.group(1): m.group(2) for m in (re.match(r"ARG (\w+)=(\S+)", l) for l in lines) if m}
def resolve(image):
    return re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), image)
stages = [(i, l) for i, l in enumerate(lines) if l.upper().startswith("FROM ")]
if len(stages) < 2:
    problems.append(f"expected a multi-stage build (2+ FROM), found {len(stages)}")
else:
    build_image = resolve(stages[0][1].split()[1])
    runtime_image = resolve(stages[-1][1].split()[1])
    m = re.fullmatch(r"swift:(\d+)\.(\d+)(?:\.\d+)?-(\w+)", build_image)
    if not m:
        problems.append(f"build stage image {build_image!r}: expected an official swift:X.Y[.Z]-<debian> tag")
    else:
        # Hummingbird 2.28.1, swift-log 1.16.2, swift-service-lifecycle 2.13.0 need tools 6.2.
        if (int(m.group(1)), int(m.group(2))) < (6, 2):
            problems.append(f"{build_image}: the dependencies need Swift >= 6.2")
        if not runtime_image.endswith(f":{m.group(3)}-slim"):
            problems.append(f"runtime {runtime_image!r} is not {m.group(3)}-slim like the build stage {build_image!r}")
    final = lines[stages[-1][0]:]
    build = lines[stages[0][0]:stages[1][0]]
    users = [l.split()[1] for l in final if l.upper().startswith("USER ")]
    if not users:
        problems.append("the final stage has no USER: it would run as root")
    elif users[-1].split(":")[0] in ("root", "0"):
        problems.append(f"the final stage runs as {users[-1]}")
    build_runs = " ".join(l for l in build if l.upper().startswith("RUN "))
    for needle in ("--static-swift-stdlib", "--product anju", "-c release", "libpq-dev", "pkg-config"):
        if needle not in build_runs:
            problems.append(f"the build stage does not run anything with {needle!r}")
    final_runs = " ".join(l for l in final if l.upper().startswith("RUN "))
    for package in ("libpq5", "libcurl4", "ca-certificates", "tzdata"):
        if package not in final_runs:
            problems.append(f"the runtime stage does not install {package}")
    for heavy in ("curl", "wget", "libpq-dev"):
        if re.search(rf"\b{heavy}\b", final_runs):
            problems.append(f"the runtime stage installs {heavy}: keep the image small")
    if not any(l.startswith("COPY --from=") for l in final):
        problems.append("the runtime stage copies nothing from the build stage")
    env = " ".join(l for l in final if l.upper().startswith("ENV "))
    sql_dir = re.search(r"ANJU_SQL_DIR=(\S+)", env)
    if not sql_dir:
        problems.append("the runtime stage does not set ANJU_SQL_DIR")
    elif "/staging" + sql_dir.group(1) not in build_runs:
        problems.append(f"ANJU_SQL_DIR={sql_dir.group(1)}, but the build stage does not stage sql/ there")
    def exec_form(keyword, text_lines):
        found = [l for l in text_lines if l.upper().startswith(keyword + " ")]
        if not found:
            problems.append(f"no {keyword}")
            return None
        body = found[-1][len(keyword):].strip()
        if keyword == "HEALTHCHECK":
            body = body[body.find("CMD ") + 4:] if "CMD " in body else ""
        try:
            value = json.loads(body)
        except ValueError as error:
            problems.append(f"{keyword} is not a JSON exec form: {error}")
            return None
        return value
    if exec_form("ENTRYPOINT", final) != ["anju"]:
        problems.append('ENTRYPOINT must be ["anju"]')
    cmd = exec_form("CMD", final)
    if not cmd or cmd[0] != "serve" or "0.0.0.0" not in cmd:
        problems.append(f"CMD {cmd!r}: expected serve --host 0.0.0.0 --port 8080")
    health = exec_form("HEALTHCHECK", final)
    if not health or "/healthz" not in " ".join(health):
        problems.append("HEALTHCHECK does not probe /healthz")
    if not any(l == "EXPOSE 8080" for l in final):
        problems.append("no EXPOSE 8080")
ignore_path = os.path.join(root, ".dockerignore")
ignored = open(ignore_path).read().split() if os.path.exists(ignore_path) else []
for entry in (".build", ".anju", ".git"):
    if entry not in ignored:
        problems.append(f".dockerignore does not exclude {entry}")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
then pass "Dockerfile: multi-stage, --static-swift-stdlib, non-root USER, /healthz health check, .dockerignore"
else fail "deploy/Dockerfile (problems above)"; fi

# ---- compose.yaml --------------------------------------------------------------------
compose_status=0
"$python" - "$root/deploy/compose.yaml" <<'PY' || compose_status=$?
import re, sys
try:
    import yaml
except ImportError:
    sys.exit(3)
path = sys.argv[1]
text = open(path).read()
doc = yaml.safe_load(text)   # resolves the <<: merge keys too
problems = []
services = doc.get("services", {})
for name in ("postgres", "migrate", "anju"):
    if name not in services:
        problems.append(f"no service {name!r}")
if not problems:
    pg, migrate, anju = services["postgres"], services["migrate"], services["anju"]
    if not str(pg.get("image", "")).startswith("postgres:15"):
        problems.append(f"postgres image {pg.get('image')!r}: expected postgres:15")
    volumes = [str(v).split(":")[0] for v in pg.get("volumes", [])]
    if not any(v in (doc.get("volumes") or {}) for v in volumes):
        problems.append("postgres keeps its data in no named volume")
    if "pg_isready" not in " ".join(map(str, pg.get("healthcheck", {}).get("test", []))):
        problems.append("postgres has no pg_isready health check")
    if migrate.get("command") not in (["migrate"], "migrate"):
        problems.append(f"migrate's command is {migrate.get('command')!r}")
    if (migrate.get("depends_on") or {}).get("postgres", {}).get("condition") != "service_healthy":
        problems.append("migrate does not wait for postgres to be healthy")
    if str(migrate.get("restart", "no")) != "no":
        problems.append("migrate is a one-shot job: restart must be \"no\"")
    if (anju.get("depends_on") or {}).get("migrate", {}).get("condition") != "service_completed_successfully":
        problems.append("anju does not wait for migrate to complete successfully")
    for service_name in ("migrate", "anju"):
        service = services[service_name]
        env = service.get("environment") or {}
        if "DATABASE_URL" not in env:
            problems.append(f"{service_name} has no DATABASE_URL")
        if service.get("read_only") is not True:
            problems.append(f"{service_name} has a writable root file system")
        if service.get("image") != anju.get("image") or "build" not in service:
            problems.append(f"{service_name} does not build and use the anju image")
    if anju.get("restart") not in ("unless-stopped", "always", "on-failure"):
        problems.append(f"anju's restart policy is {anju.get('restart')!r}")
    ports = [str(p) for p in anju.get("ports", [])]
    if not ports or not all(re.match(r"\$\{ANJU_PUBLISH:-127\.0\.0\.1:\d+\}:8080$|127\.0\.0\.1:\d+:8080$", p) for p in ports):
        problems.append(f"anju's ports {ports!r}: publish on 127.0.0.1 only (nginx in front)")
# No secret in the file: every password-like value is a ${VARIABLE} reference, and
# POSTGRES_PASSWORD is required (${POSTGRES_PASSWORD:?...}), not defaulted.
for key, value in re.findall(r"^\s*([A-Z_]*PASSWORD[A-Z_]*):\s*(.+)$", text, re.M):
    if not re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", value.strip()):
        problems.append(f"{key}: {value.strip()!r} is not ${{POSTGRES_PASSWORD:?...}}")
if re.search(r"postgres(ql)?://[^@\s/]*:[^@\s/]*@", re.sub(r"\$\{[^}]*\}", "VAR", text)):
    problems.append("a DATABASE_URL carries a password")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
if [ "$compose_status" = 0 ]; then
    pass "compose.yaml: parses; postgres 15 + volume + pg_isready, migrate before anju, read-only, loopback, no secret"
elif [ "$compose_status" != 3 ]; then
    fail "deploy/compose.yaml (problems above)"
else
    # Minimal check without PyYAML: no tabs, and the key lines are there.
    if ! grep -qP '\t' deploy/compose.yaml \
        && grep -q 'service_completed_successfully' deploy/compose.yaml \
        && grep -q 'pg_isready' deploy/compose.yaml \
        && grep -q 'POSTGRES_PASSWORD:?' deploy/compose.yaml; then
        skip "compose.yaml: PyYAML missing, textual check only (passed)"
    else
        fail "deploy/compose.yaml: textual check failed"
    fi
fi

# ---- anju.service --------------------------------------------------------------------
unit=deploy/anju.service
for setting in 'User=anju' 'EnvironmentFile=/etc/anju/anju.env' 'ExecStartPre=/usr/local/bin/anju migrate' \
    'ExecStart=/usr/local/bin/anju serve' 'Restart=on-failure' 'KillSignal=SIGTERM' 'NoNewPrivileges=yes' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes'; do
    grep -qxF "$setting" "$unit" || fail "$unit: no line $setting"
done
grep -qE '^TimeoutStopSec=[0-9]+s?$' "$unit" || fail "$unit: no TimeoutStopSec"
unit_sql=$(grep -oE 'ANJU_SQL_DIR=[^ ]+' "$unit" | head -1 | cut -d= -f2)
image_sql=$(grep -oE 'ANJU_SQL_DIR=[^ ]+' deploy/Dockerfile | head -1 | cut -d= -f2)
[ -n "$unit_sql" ] && [ "$unit_sql" = "$image_sql" ] \
    || fail "$unit: ANJU_SQL_DIR ($unit_sql) differs from the image's ($image_sql)"
if command -v systemd-analyze >/dev/null 2>&1; then
    # verify checks that executables exist: point the copy at a stub in the scratch folder.
    mkdir -p "$work/unit"
    printf '#!/bin/sh\nexit 0\n' > "$work/unit/anju" && chmod 755 "$work/unit/anju"
    sed "s#/usr/local/bin/anju#$work/unit/anju#g" "$unit" > "$work/unit/anju.service"
    # verify exits 0 even for unknown keys; any output at all is a finding.
    verify_output=$(cd "$work/unit" && systemd-analyze verify ./anju.service 2>&1)
    if [ $? -eq 0 ] && [ -z "$verify_output" ]; then
        pass "anju.service: systemd-analyze verify is silent"
    else
        fail "anju.service: systemd-analyze verify: $verify_output"
    fi
    exposure=$(cd "$work/unit" && systemd-analyze security --offline=true ./anju.service 2>/dev/null \
        | sed -n 's/.*Overall exposure level for anju.service: \([0-9.]*\).*/\1/p')
    if [ -z "$exposure" ]; then
        skip "anju.service: systemd-analyze security --offline gave no score (systemd < 252?)"
    elif "$python" -c "import sys; sys.exit(0 if float('$exposure') <= 2.0 else 1)"; then
        pass "anju.service: exposure $exposure (systemd-analyze security, at most 2.0)"
    else
        fail "anju.service: exposure $exposure is above 2.0"
    fi
else
    skip "anju.service: systemd-analyze is not installed; static checks only"
fi

# ---- nginx/anju.conf -----------------------------------------------------------------
conf=deploy/nginx/anju.conf
# The log format: nothing that can carry a credential, a query string or personal data.
log_format=$(sed -n '/^log_format/,/;/p' "$conf")
[ -n "$log_format" ] || fail "$conf: no log_format"
for variable in '$http_authorization' '$http_x_applicant_id' '$http_cookie' '$http_referer' \
    '$request ' '$request"' '$request_uri' '$args' '$query_string' '$request_body' '$arg_'; do
    case "$log_format" in *"$variable"*) fail "$conf: the log format logs $variable" ;; esac
done
other_logs=$(grep -E '^\s*access_log' "$conf" | grep -vE ' anju_access;$| off;$')
[ -z "$other_logs" ] || fail "$conf: access_log without the anju_access format: $other_logs"
# anju's limit, from the source: ServerConfiguration.maxBodyBytes = A * B (or a plain number).
anju_limit=$(sed -n 's/.*static let maxBodyBytes = \([0-9* ]*\).*/\1/p' Sources/AnjuServer/ServerConfiguration.swift | tr -d ' ')
anju_bytes=$(( anju_limit ))
nginx_limit=$(sed -n 's/^\s*client_max_body_size \([0-9]*[kKmM]\?\);.*/\1/p' "$conf")
case "$nginx_limit" in
    *[kK]) nginx_bytes=$(( ${nginx_limit%[kK]} * 1024 )) ;;
    *[mM]) nginx_bytes=$(( ${nginx_limit%[mM]} * 1024 * 1024 )) ;;
    *) nginx_bytes=${nginx_limit:-0} ;;
esac
if [ "$anju_bytes" -gt 0 ] && [ "$nginx_bytes" = "$anju_bytes" ]; then
    pass "nginx: client_max_body_size $nginx_limit = anju's maxBodyBytes ($anju_bytes bytes)"
else
    fail "$conf: client_max_body_size $nginx_limit ($nginx_bytes bytes) differs from anju's maxBodyBytes ($anju_bytes)"
fi
for directive in 'ssl_protocols TLSv1.2 TLSv1.3;' 'add_header Strict-Transport-Security' 'return 301 https://' \
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' 'proxy_set_header X-Forwarded-Proto $scheme;' \
    'proxy_set_header X-Forwarded-Host $host;' 'proxy_read_timeout' 'server 127.0.0.1:8080;'; do
    grep -qF "$directive" "$conf" || fail "$conf: no $directive"
done

# Finds an nginx binary: PATH, the unpacked cache, else apt-get download + dpkg-deb -x.
find_nginx() {
    if command -v nginx >/dev/null 2>&1; then command -v nginx; return 0; fi
    local tools="${ANJU_DEPLOY_TOOLS:-$root/.build/deploy-tools}"
    if [ -x "$tools/nginx/usr/sbin/nginx" ]; then echo "$tools/nginx/usr/sbin/nginx"; return 0; fi
    command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || return 1
    mkdir -p "$tools" || return 1
    echo "check-deploy-files: fetching Debian's nginx package (apt-get download) into $tools" >&2
    (cd "$work" && apt-get download -q nginx >/dev/null 2>&1) || return 1
    # Unpack beside the target and rename into place: two checks running at once never see
    # a half-unpacked nginx (the loser of the rename drops its copy).
    local staging="$tools/nginx.$$"
    dpkg-deb -x "$work"/nginx_*.deb "$staging" || { rm -rf "$staging"; return 1; }
    mv -T "$staging" "$tools/nginx" 2>/dev/null || rm -rf "$staging"
    [ -x "$tools/nginx/usr/sbin/nginx" ] && echo "$tools/nginx/usr/sbin/nginx"
}

# Eight distinct free loopback ports, taken in one go (each python start costs time):
# nginx -t (2), a dead health check (1), nginx live (2), nginx with a dead upstream (3).
read -r -a ports <<<"$("$python" -c '
import socket
sockets = [socket.socket() for _ in range(8)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))')"

# Writes $1/nginx.conf around the deploy config, with its ports, certificate, logs and
# upstream redirected into the scratch folder $1.
make_nginx_prefix() {
    local prefix=$1 upstream_address=$2 http_port=$3 https_port=$4
    mkdir -p "$prefix/logs" "$prefix/tmp"
    cp "$work/tls/fullchain.pem" "$work/tls/privkey.pem" "$prefix/"
    sed -e "s#/etc/letsencrypt/live/anju.example.org/#$prefix/#g" \
        -e "s#/var/log/nginx/#$prefix/logs/#g" \
        -e "s#server 127.0.0.1:8080;#server $upstream_address;#" \
        -e "s#^\(\s*\)listen \[::\]:.*#\1\# (IPv6 listen removed for the check)#" \
        -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
        -e "s#listen 443 #listen 127.0.0.1:$https_port #" \
        "$root/$conf" > "$prefix/anju.conf"
    {
        [ "$(id -u)" = 0 ] && echo "user root;"
        echo "worker_processes 1;"
        echo "pid $prefix/nginx.pid;"
        echo "error_log $prefix/logs/error.log warn;"
        echo "events { worker_connections 64; }"
        echo "http {"
        for kind in client_body proxy fastcgi uwsgi scgi; do echo "    ${kind}_temp_path $prefix/tmp/$kind;"; done
        echo "    include $prefix/anju.conf;"
        echo "}"
    } > "$prefix/nginx.conf"
}

if nginx_bin=$(find_nginx); then
    mkdir -p "$work/tls"
    if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj "/CN=anju.example.org" -keyout "$work/tls/privkey.pem" -out "$work/tls/fullchain.pem" >/dev/null 2>&1; then
        make_nginx_prefix "$work/nginx-t" 127.0.0.1:8080 "${ports[0]}" "${ports[1]}"
        if test_output=$("$nginx_bin" -t -p "$work/nginx-t" -c "$work/nginx-t/nginx.conf" 2>&1); then
            # Newer nginx (>= 1.25.1) deprecates `listen ... http2`; the config says what to change.
            if grep '\[warn\]' <<<"$test_output" | grep -qv 'http2" directive is deprecated'; then
                fail "nginx -t warns: $test_output"
            else pass "nginx -t accepts $conf ($("$nginx_bin" -v 2>&1 | sed 's/.*: //'), self-signed certificate)"; fi
        else
            fail "nginx -t: $test_output"
        fi
    else
        fail "openssl could not make the throwaway certificate"
    fi
else
    skip "nginx -t: no nginx on PATH and apt-get could not fetch Debian's package"
    nginx_bin=""
fi

# ---- live checks against a running anju (--upstream) ---------------------------------
# Starts nginx on the prefix; echoes nothing, records the pid for cleanup.
start_nginx() {
    local prefix=$1
    "$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" || return 1
    for _ in $(seq 50); do [ -s "$prefix/nginx.pid" ] && break; sleep 0.1; done
    nginx_pids+=("$(cat "$prefix/nginx.pid")")
}

if [ -n "$upstream" ]; then
    upstream_port=${upstream##*:}
    # The image's HEALTHCHECK, exactly as written, against the running server (its port via ANJU_PORT).
    mapfile -d '' health_command < <("$python" -c '
import json, sys
text = open("deploy/Dockerfile").read().replace("\\\n", " ")
line = [l for l in text.splitlines() if l.startswith("HEALTHCHECK ")][-1]
sys.stdout.write("".join(part + "\0" for part in json.loads(line[line.index("CMD ") + 4:])))')
    run_health() { ANJU_PORT=$1 timeout 5 "${health_command[@]}"; }
    if run_health "$upstream_port"; then pass "the Dockerfile's HEALTHCHECK command succeeds against anju serve"
    else fail "the Dockerfile's HEALTHCHECK command fails against anju serve on port $upstream_port"; fi
    if run_health "${ports[2]}" 2>/dev/null; then fail "the HEALTHCHECK command succeeds with nothing listening"
    else pass "the HEALTHCHECK command fails with nothing listening"; fi

    if [ -z "$nginx_bin" ]; then
        skip "nginx in front of anju: no nginx"
    elif ! command -v curl >/dev/null 2>&1; then
        skip "nginx in front of anju: no curl"
    else
        http_port=${ports[3]}; https_port=${ports[4]}
        make_nginx_prefix "$work/live" "$upstream" "$http_port" "$https_port"
        if start_nginx "$work/live"; then
            base="https://127.0.0.1:$https_port"
            secret="sekrit-$RANDOM$RANDOM"
            # HTTP redirects to HTTPS, path and query kept.
            headers=$(curl -s -o /dev/null -D - "http://127.0.0.1:$http_port/healthz?x=1")
            if grep -qE '^HTTP/1.1 301' <<<"$headers" && grep -qiE '^location: https://[^/]+/healthz\?x=1' <<<"$headers"; then
                pass "nginx: http:// redirects to https:// (301)"
            else fail "nginx: http:// did not redirect: $headers"; fi
            # HTTPS reaches anju, with HSTS; TLS 1.1 is refused.
            headers=$(curl -sk -D - -o "$work/health.json" "$base/healthz")
            if grep -qE '^HTTP/(2|1.1) 200' <<<"$headers" && grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers" \
                && grep -q '"ok"' "$work/health.json"; then
                pass "nginx: https://…/healthz reaches anju, with HSTS"
            else fail "nginx: https://…/healthz: $headers $(cat "$work/health.json" 2>/dev/null)"; fi
            # Both TLS versions negotiate (1.0/1.1 are refused by Debian's OpenSSL whatever the config).
            for version in 1.2 1.3; do
                if curl -sk --tlsv$version --tls-max $version -o /dev/null "$base/healthz"; then
                    pass "nginx: TLS $version handshake"
                else fail "nginx: no TLS $version handshake"; fi
            done
            # The body limit: one byte over is nginx's 413 problem; exactly the limit reaches anju.
            head -c $((anju_bytes + 1)) /dev/zero > "$work/over.bin"
            # A valid JSON body of exactly the limit: {"reason":"aaa…"}.
            { printf '{"reason":"'; head -c $((anju_bytes - 13)) /dev/zero | tr '\0' a; printf '"}'; } > "$work/limit.bin"
            status=$(curl -sk -o "$work/over.json" -w '%{http_code} %{content_type}' -X POST \
                --data-binary @"$work/over.bin" -H 'Content-Type: application/json' "$base/v1/offers/1/accept")
            if [ "$status" = "413 application/problem+json" ] && grep -q '"code":"body_too_large"' "$work/over.json"; then
                pass "nginx: a body of $((anju_bytes + 1)) bytes is a 413 problem"
            else fail "nginx: a body over the limit gave $status $(cat "$work/over.json")"; fi
            status=$(curl -sk -o "$work/limit.json" -w '%{http_code}' -X POST --data-binary @"$work/limit.bin" \
                -H 'Content-Type: application/json' "$base/v1/offers/1/accept")
            if [ "$status" = 401 ] && [ "$(wc -c < "$work/limit.bin")" = "$anju_bytes" ]; then
                pass "nginx: a body of exactly $anju_bytes bytes reaches anju (its 401 for no credentials)"
            else fail "nginx: a body of exactly the limit gave $status $(cat "$work/limit.json")"; fi
            # /metrics is not served publicly.
            status=$(curl -sk -o /dev/null -w '%{http_code}' "$base/metrics")
            [ "$status" = 404 ] && pass "nginx: /metrics is hidden (404)" || fail "nginx: /metrics answered $status"
            # Credentials and query strings never reach the access log.
            curl -sk -o /dev/null -H "Authorization: Bearer $secret-token" -H "X-Applicant-Id: $secret-id" \
                "$base/v1/applicants/A1?token=$secret-query" || true
            sleep 0.2
            log="$work/live/logs/anju.access.log"
            if [ -s "$log" ] && grep -q 'GET /v1/applicants/A1 ' "$log" && ! grep -q "$secret" "$log"; then
                pass "nginx: the access log has the request but no Authorization, X-Applicant-Id or query"
            else fail "nginx: access log: $(cat "$log" 2>/dev/null)"; fi
        else
            fail "nginx would not start in front of $upstream: $(cat "$work/live/logs/error.log" 2>/dev/null)"
        fi
        # A dead upstream is a 503 problem with Retry-After, not nginx's HTML 502.
        dead_https=${ports[7]}
        make_nginx_prefix "$work/dead" "127.0.0.1:${ports[5]}" "${ports[6]}" "$dead_https"
        if start_nginx "$work/dead"; then
            headers=$(curl -sk -D - -o "$work/dead.json" "https://127.0.0.1:$dead_https/healthz")
            if grep -qE '^HTTP/(2|1.1) 503' <<<"$headers" && grep -qi '^retry-after: 5' <<<"$headers" \
                && grep -q '"code":"upstream_unavailable"' "$work/dead.json"; then
                pass "nginx: anju down is a 503 problem with Retry-After"
            else fail "nginx: anju down gave $headers $(cat "$work/dead.json" 2>/dev/null)"; fi
        else
            fail "nginx (dead upstream) would not start: $(cat "$work/dead/logs/error.log" 2>/dev/null)"
        fi
    fi
fi

if [ "$failures" -gt 0 ]; then
    echo "check-deploy-files: $failures check(s) failed" >&2
    exit 1
fi
echo "check-deploy-files: all checks passed"
