#include "support/find_program.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace forage::test {

bool IsExecutable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

std::string FindProgram(const std::string& name, const char* env_var) {
  if (env_var != nullptr) {
    const char* env = std::getenv(env_var);
    if (env != nullptr && *env != '\0') return env;
  }
  const char* path = std::getenv("PATH");
  std::string dirs =
      std::string(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin") + ":/usr/sbin:/sbin";
  std::string_view rest = dirs;
  while (!rest.empty()) {
    std::size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (IsExecutable(candidate)) return candidate;
  }
  return "";
}

}  // namespace forage::test
