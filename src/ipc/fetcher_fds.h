#pragma once

// The descriptor numbers a fetcher process finds its channels at, whether it
// runs the fetcher program (forage-fetcher, started with posix_spawn) or was
// forked: WorkerPool puts them there, fetch/fetcher_process_main.cc and a
// forked fetcher's entry take them from there. Every other descriptor but
// 0, 1 and 2 is closed in a fetcher.

namespace forage::fetcher_fds {

// The memfd of the fetcher's work ring (WorkQueueRegion::Attach). The
// program only: a forked fetcher has the mapping already.
inline constexpr int kRing = 3;
// The read end of its doorbell pipe (master -> fetcher, wake-ups only).
inline constexpr int kDoorbell = 4;
// The write end of its result pipe (fetcher -> master, frames).
inline constexpr int kResult = 5;
// A memfd holding its configuration, wire::EncodeFetcherConfig's payload,
// read to the end and closed. The program only: a forked fetcher has its
// FetchSettings in its copy of the master's memory.
inline constexpr int kConfig = 6;
// The pool's big-parse token (see WorkerPool), shared with the master.
inline constexpr int kBigParse = 7;

// The first descriptor number after them: everything from here on is closed.
inline constexpr int kEnd = 8;

}  // namespace forage::fetcher_fds
