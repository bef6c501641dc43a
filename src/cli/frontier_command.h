#pragma once

namespace forage {

// `forage frontier status|delete --frontier URL --crawl-id NAME`: a shared
// crawl looked at, or removed, from outside. argv[0] is "frontier". Prints
// to standard output (status) and standard error (errors); returns the exit
// status: 0, 2 (usage, Redis unreachable, no such crawl) or 3 (delete
// refused: a node still runs, or records wait unpublished).
int RunFrontierCommand(int argc, const char* const* argv);

}  // namespace forage
