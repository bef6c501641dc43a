#pragma once

#include <string>

#include "forage/crawler.h"

namespace forage {

// One line for a terminal: "1,234 done, 56 to go | 1,200 ok, 34 failed |
// 512 pages/s | 12.3 MiB | 0:02:31 | ETA 0:01:02" (the ETA only once the
// total is known).
std::string FormatProgress(const CrawlProgress& progress);

}  // namespace forage
