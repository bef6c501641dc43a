#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "forage/fetch_settings.h"
#include "forage/status.h"

namespace forage {

// A --config file turned into command-line arguments.
struct ConfigArgs {
  std::vector<std::string> args;  // e.g. {"--workers", "4", "--select", "title=h1"}
  // Which option each key became and on which line it stood, so that a value
  // the command line refuses can be blamed on its place in the file.
  struct Origin {
    std::string option;  // "--workers"
    std::string key;     // "workers"
    int line = 0;
    // For the repeatable --select, --include and --exclude, one origin per
    // value, which is checked alone: "title=h1", "/tag/".
    std::string value;
  };
  std::vector<Origin> origins;
  // The [hosts."PATTERN"] tables, in the file's order.
  std::vector<HostSettings> hosts;
};

// Reads the TOML file at `path`. Every long option of `app` is a key,
// spelt without its dashes ("max-bytes", or "max_bytes"): a flag takes a
// boolean, any other option a string or number, or an array of them when
// the option repeats. `input` is an array of URL list files. A [select]
// table maps NAME to "CSS" or "CSS@attr"; `headers` is an array of
// "Name: value" (as --header). A [hosts."PATTERN"] table sets, for the hosts
// PATTERN matches (see HostSettings), per-host and delay, headers,
// user-agent, timeout (durations: seconds as a number, or "500ms", "2s"),
// cookie, user (USER:PASSWORD), auth and bearer. The arguments come out in the
// file's order and go before the real command line, so that flags given on
// the command line win (the last value of an option counts). Fails naming
// the file, line and key: a TOML syntax error, an unknown key, a value of
// the wrong type (a path, a pattern or the like must be a string: `state = 5`
// is refused rather than made a file named 5).
Result<ConfigArgs> LoadConfigFile(const std::string& path, const CLI::App& app);

}  // namespace forage
