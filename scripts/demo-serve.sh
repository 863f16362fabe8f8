#!/usr/bin/env bash
# Serve the demo: a task worker and the scheduler in the background and the web server in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${GONGHUI:=python3 -m uv run --frozen gonghui}"
$GONGHUI db_worker --interval 1 --no-reload >var/worker.log 2>&1 &
worker=$!
# Periodic work (public notices that ended, …) goes into the same queue.
$GONGHUI scheduler >var/scheduler.log 2>&1 &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
echo
echo "gonghui 演示环境：http://127.0.0.1:8000/"
echo "任务进程日志：var/worker.log；按 Ctrl+C 停止。"
echo "演示账号："
python3 - <<'PY'
import json, pathlib
for user, password in json.loads(pathlib.Path("var/demo-logins.json").read_text()).items():
    print(f"  {user:<18} {password}")
PY
echo
$GONGHUI runserver 127.0.0.1:8000 --noreload
