#!/usr/bin/env python3
"""Run one command and measure it as a whole process tree (python3 stdlib only).

Usage: measure.py [--timeout S] [--interval S] [--stdout FILE] [--trace FILE]
                  -- CMD [ARG...]

Prints one JSON object on standard output:
  wall_s        wall-clock time from spawn until the command exited
  user_s/sys_s  CPU time of the command and every descendant it (or we) reaped
  cpu_s         user_s + sys_s
  peak_rss_kib  peak, over samples, of the SUM of resident set sizes of the tree
                (shared pages such as libraries or shared memory count once per
                process, as in `ps`)
  peak_pss_kib  peak of the sum of proportional set sizes (shared pages split
                between the processes sharing them; closer to real usage)
  max_procs     most processes seen in the tree in one sample
  root_peak_rss_kib  peak, over samples, of the RSS of the command's own process
                (the root of the tree: with forage, the master alone)
  root_peak_hwm_kib  VmHWM (the kernel's own peak RSS) of the command's process,
                from /proc/PID/status at the last sample that could read it before
                the process exited (best effort: 0 if never read; it can miss
                growth in the last --interval of the run)
  samples, rc, timed_out, orphans, sampler_cpu_s

With --trace FILE, also writes one JSON line per --trace-interval seconds
(default 1): {"t": seconds since spawn, "procs": [[pid, ppid, comm, rss_kib],
...]} for every process of the tree, root first; to see how each process's
memory evolves over the run.

How: the command runs in its own session. This helper makes itself a "child
subreaper" (prctl PR_SET_CHILD_SUBREAPER), so any descendant orphaned by its
parent is re-parented to us instead of init: it stays in the sampled tree and we
reap it, so its CPU time is still counted. The command is started with
posix_spawn (no forked copy of this interpreter in the tree). A sampler thread walks the tree every
--interval seconds (default 0.02) through /proc/PID/task/TID/children and sums
RSS (/proc/PID/statm) and PSS (/proc/PID/smaps_rollup); it runs at nice 19, so
that it takes idle time rather than CPU from a tool that keeps every core
busy. CPU time is the rusage that wait4() returns for the command (plus any orphan we reap): it covers the
command and all the descendants that were waited for, recursively (forage reaps
its fetchers; xargs reaps its curls). getrusage(RUSAGE_CHILDREN) would say the
same but also carries whatever the interpreter's launcher (e.g. a pyenv shim)
reaped before exec'ing python, so it is not used. On --timeout the whole session gets SIGTERM,
then SIGKILL.
"""

import argparse
import ctypes
import json
import os
import resource
import signal
import sys
import threading
import time

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
PR_SET_CHILD_SUBREAPER = 36


def children_of(pid):
    """Direct children of pid, from every thread's children file."""
    kids = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return kids


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def hwm_kib(pid):
    """VmHWM of pid from /proc/PID/status; None if unreadable (gone, or a zombie)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return None


def proc_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


class Sampler(threading.Thread):
    def __init__(self, root, interval, cmd_pid=None, trace=None, trace_interval=1.0):
        super().__init__(daemon=True)
        self.root = root          # our own pid: the command and re-parented orphans hang below it
        self.cmd_pid = cmd_pid    # the command's own process
        self.interval = interval
        self.trace = trace        # open file for --trace, or None
        self.trace_interval = trace_interval
        self.t0 = time.perf_counter()
        self.next_trace = 0.0
        self.root_peak_rss = 0
        self.root_hwm = 0
        self.stop = threading.Event()
        self.peak_rss = 0
        self.peak_pss = 0
        self.max_procs = 0
        self.samples = 0

    def sample(self):
        tree, todo = [], children_of(self.root)
        parent = {}
        while todo:
            pid = todo.pop()
            tree.append(pid)
            kids = children_of(pid)
            parent.update((k, pid) for k in kids)
            todo.extend(kids)
        rss_of = {p: rss_kib(p) for p in tree}
        rss = sum(rss_of.values())
        pss = sum(pss_kib(p) for p in tree)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.max_procs = max(self.max_procs, len(tree))
        self.samples += 1
        if self.cmd_pid in rss_of:
            self.root_peak_rss = max(self.root_peak_rss, rss_of[self.cmd_pid])
            hwm = hwm_kib(self.cmd_pid)
            if hwm is not None:   # a zombie has no VmHWM: keep the last value read
                self.root_hwm = hwm
        if self.trace is not None:
            t = time.perf_counter() - self.t0
            if t >= self.next_trace:
                self.next_trace = t + self.trace_interval
                order = sorted(tree, key=lambda p: (p != self.cmd_pid, p))
                procs = [[p, parent.get(p, self.root), proc_name(p), rss_of[p]] for p in order]
                self.trace.write(json.dumps({"t": round(t, 3), "procs": procs}) + "\n")

    def run(self):
        # The tools measured here keep every core busy; at nice 19 this thread
        # takes what they leave instead of a share of theirs.
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while True:
            self.sample()
            if self.stop.wait(self.interval):
                return


def main():
    ap = argparse.ArgumentParser(usage="measure.py [options] -- CMD [ARG...]")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--stdout", help="send the command's standard output here")
    ap.add_argument("--trace", help="write each process's RSS over time here (JSON Lines)")
    ap.add_argument("--trace-interval", type=float, default=1.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command given")

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("measure.py: warning: cannot become a child subreaper", file=sys.stderr)

    trace = open(a.trace, "w") if a.trace else None
    sampler = Sampler(os.getpid(), a.interval, trace=trace, trace_interval=a.trace_interval)
    self_cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    # posix_spawn (vfork + exec): no copy of this interpreter ever shows up in the tree.
    # setsid: the command gets its own session, so a timeout can kill the whole tree.
    actions = []
    if a.stdout:
        out_fd = os.open(a.stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        actions = [(os.POSIX_SPAWN_DUP2, out_fd, 1)]
    t0 = time.perf_counter()
    try:
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions, setsid=True)
    except OSError as e:
        print(f"measure.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
        return 127
    if a.stdout:
        os.close(out_fd)
    sampler.cmd_pid = pid
    sampler.t0 = t0
    sampler.start()

    timed_out = False

    def on_timeout():
        nonlocal timed_out
        timed_out = True
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                return
            time.sleep(2)

    # Interrupted (Ctrl-C, kill): take the command's whole session down with us,
    # since setsid keeps it out of reach of the terminal's signals.
    interrupted = []

    def on_signal(signum, _frame):
        interrupted.append(signum)
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    timer = threading.Timer(a.timeout, on_timeout)
    timer.daemon = True
    timer.start()
    _, status, ru = os.wait4(pid, 0)  # ru: the command plus every descendant reaped below it
    wall = time.perf_counter() - t0
    timer.cancel()
    utime, stime = ru.ru_utime, ru.ru_stime

    # Reap orphans re-parented to us (normally none: forage waits for its fetchers).
    orphans = 0
    deadline = time.monotonic() + 5
    while True:
        try:
            opid, _, oru = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if opid == 0:
            if time.monotonic() > deadline:
                for kid in children_of(os.getpid()):
                    try:
                        os.kill(kid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 5
            time.sleep(0.01)
        else:
            orphans += 1
            utime, stime = utime + oru.ru_utime, stime + oru.ru_stime
    sampler.stop.set()
    sampler.join()
    if trace is not None:
        trace.close()
    if orphans:
        print(f"measure.py: warning: reaped {orphans} orphaned descendant(s)", file=sys.stderr)

    if interrupted:
        print(f"measure.py: interrupted by signal {interrupted[0]}", file=sys.stderr)
        return 128 + interrupted[0]
    me = resource.getrusage(resource.RUSAGE_SELF)
    rc = os.waitstatus_to_exitcode(status)
    print(json.dumps({
        "cmd": cmd,
        "rc": rc,
        "timed_out": timed_out,
        "wall_s": round(wall, 4),
        "user_s": round(utime, 4),
        "sys_s": round(stime, 4),
        "cpu_s": round(utime + stime, 4),
        "peak_rss_kib": sampler.peak_rss,
        "peak_pss_kib": sampler.peak_pss,
        "max_procs": sampler.max_procs,
        "root_peak_rss_kib": sampler.root_peak_rss,
        "root_peak_hwm_kib": sampler.root_hwm,
        "samples": sampler.samples,
        "orphans": orphans,
        "sampler_cpu_s": round(me.ru_utime + me.ru_stime - self_cpu0.ru_utime - self_cpu0.ru_stime, 4),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
