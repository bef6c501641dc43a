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
