#pragma once

// How the forage programs' malloc keeps memory it was given back.

namespace forage {

// For a program that allocates and frees a page's worth of memory many
// times a second (a body, its records, its links): glibc's malloc, left to
// itself, gives the top of its heap back to the system whenever 128 KiB of
// it is free (brk), and takes it again for the next page, a page fault per
// 4 KiB each time: on a list of small pages (bench/fetch.sh) that churn made
// a page cost half as much CPU again. This keeps up to 2 MiB free at the
// heap's top, and serves blocks up to 1 MiB (most bodies) from the heap
// rather than from a fresh mapping each (8 and 4 MiB measured the same).
// What a program holds at its peak barely changes (a crawl of
// cppreference: 0.8 MiB more PSS over three processes); code that frees a
// big parse tree still gives it back with malloc_trim.
//
// Called by forage's and forage-fetcher's main only: a library does not
// tune its host program's allocator.
void KeepFreedMemoryForReuse();

}  // namespace forage
