#pragma once

// warcio (webrecorder's warcio.js, pinned in tests/support/warcio) as a test
// runs it: tests/support/warcio_check.mjs under node, where
// scripts/install-deps.sh --test (or `npm ci --prefix tests/support/warcio`)
// put it. Tests skip what needs it when it is missing.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace forage::test {

// node, from $FORAGE_NODE or $PATH ("" if none).
std::string NodePath();
// Whether node and warcio are both there ($FORAGE_WARCIO_DIR, else
// tests/support/warcio).
bool WarcioAvailable();

struct WarcioResult {
  std::optional<int> exit_code;  // nullopt: it did not finish in time
  nlohmann::json out;            // its JSON ({"ok", "errors", "records"}), null if none
  std::string err;
};

// warcio_check.mjs over `paths` (with --accept-raw-chunked-digest when `raw_chunked`).
WarcioResult RunWarcio(const std::vector<std::string>& paths, bool raw_chunked = false);

}  // namespace forage::test
