# Sourced by bench/fetch.sh and bench/scale.sh.
#
# bench_tmpdir PREFIX: makes the directory $tmp (mktemp, PREFIX.XXXXXX) and
# arranges that at exit, however the script ends, the nginx whose master pid
# the script puts in $nginx_pid is stopped and $tmp is removed.
bench_tmpdir() {
  tmp=$(mktemp -d -t "$1.XXXXXX")
  nginx_pid=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  if [[ -n "$nginx_pid" ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true   # graceful stop of our own nginx master
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}

# bench_start_nginx NAME PROBE_URL: starts $nginx_bin on $tmp/nginx.conf (logs
# in $tmp), sets $nginx_pid, and waits up to ~10 s for PROBE_URL to answer;
# otherwise prints nginx's output and exits 1 (NAME: the script, for messages).
bench_start_nginx() {
  local name=$1 probe=$2 up=0
  "$nginx_bin" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" -p "$tmp/" -g 'daemon off;' \
    </dev/null >"$tmp/nginx.out" 2>&1 &
  nginx_pid=$!
  for _ in $(seq 100); do
    if curl -sf -o /dev/null --max-time 1 "$probe"; then up=1; break; fi
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ((up == 0)); then
    echo "$name: nginx did not come up at $probe" >&2
    cat "$tmp/nginx.out" "$tmp/nginx-error.log" >&2 2>/dev/null || true
    exit 1
  fi
}
