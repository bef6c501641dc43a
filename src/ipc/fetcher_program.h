#pragma once

#include <string>

#include "forage/options.h"

namespace forage {

// The fetcher program to start, as CrawlOptions::fetcher_program documents;
// "" when there is none (fetchers are then forked). An explicit path that is
// not an executable file is returned as is, for the start to fail naming it.
std::string FindFetcherProgram(const std::string& configured);

// The fetcher program's configuration for a run with `options` (see
// wire::FetcherConfig), at the current log level.
std::string FetcherConfigFor(const CrawlOptions& options);

}  // namespace forage
