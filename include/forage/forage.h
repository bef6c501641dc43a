#pragma once

// forage: a concurrent web scraper as a library. This header includes the
// whole public API:
//   Crawler (crawler.h)        runs a scrape with a pool of fetcher processes
//   CrawlOptions (options.h)   everything that shapes a run, with defaults,
//                              and ValidateOptions
//   FetchSettings, ExtractSettings (fetch_settings.h)
//                              what each fetcher process is given, and what
//                              it extracts of a page
//   Record (record.h)          one per URL, as the command's JSON records
//   ErrorKind (error_kind.h)   why a URL failed
//   Status, Result (status.h)  failures as values, never exceptions
//   ExtractHtml (extract.h)    the page extractor on its own, no processes
//   Version (version.h)        the library's semantic version
// See docs/api.md for a walk-through.

#include "forage/crawler.h"
#include "forage/error_kind.h"
#include "forage/extract.h"
#include "forage/fetch_settings.h"
#include "forage/options.h"
#include "forage/record.h"
#include "forage/status.h"
#include "forage/version.h"
