#pragma once

#include <string>
#include <vector>

#include "cli/cli_options.h"

namespace forage::test {

// ParseCommandLine over `args`, as if typed after "forage".
inline ParsedCommandLine ParseArgs(std::vector<std::string> args) {
  args.insert(args.begin(), "forage");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

}  // namespace forage::test
