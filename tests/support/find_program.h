#pragma once

#include <string>

namespace forage::test {

// The program a fixture runs: $`env_var` when that is set and not empty
// (taken as is), else the first executable `name` in a $PATH directory (or
// /usr/local/bin:/usr/bin:/bin without $PATH), then in /usr/sbin and /sbin,
// where Debian puts some daemons; "" when there is none.
std::string FindProgram(const std::string& name, const char* env_var = nullptr);

// Whether `path` names a file this process may execute.
bool IsExecutable(const std::string& path);

}  // namespace forage::test
