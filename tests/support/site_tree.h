#pragma once

// Sites for crawl tests, made of the test server's /links and /page/N pages.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "support/forage_run.h"

namespace forage::test {

// A /links page listing `paths`, as a path.
std::string LinksTo(const std::vector<std::string>& paths);

// `lists` listed /links pages (a URL listing them all would be too long for
// the server), each linking to `per_list` leaves, leaf(0), leaf(1) ...
// Returns "--url" flags for the listed pages; `urls` gets all.
std::vector<std::string> Tree(const TestServer& server, int lists, int per_list,
                              const std::function<std::string(int)>& leaf,
                              std::set<std::string>* urls);

// `lists` x `per_list` leaves /page/1000, /page/1003, /page/1006 ...;
// /page/N links to N+1 and N+2, so with -d 2 every page from 1000 on is
// found, two thirds of them at depth 2. `urls` gets every page.
std::vector<std::string> PageTree(const TestServer& server, int lists, int per_list,
                                  std::set<std::string>* urls);

}  // namespace forage::test
