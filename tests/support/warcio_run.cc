#include "support/warcio_run.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>

#include "support/child_process.h"
#include "support/find_program.h"

namespace forage::test {

std::string NodePath() { return FindProgram("node", "FORAGE_NODE"); }

bool WarcioAvailable() {
  const char* env = std::getenv("FORAGE_WARCIO_DIR");
  std::string dir = env != nullptr && *env != '\0'
                        ? std::string(env)
                        : std::string(FORAGE_SOURCE_DIR) + "/tests/support/warcio";
  struct stat st {};
  return IsExecutable(NodePath()) &&
         ::stat((dir + "/node_modules/warcio/package.json").c_str(), &st) == 0;
}

WarcioResult RunWarcio(const std::vector<std::string>& paths, bool raw_chunked) {
  std::vector<std::string> argv{NodePath(),
                                std::string(FORAGE_SOURCE_DIR) + "/tests/support/warcio_check.mjs"};
  if (raw_chunked) argv.push_back("--accept-raw-chunked-digest");
  argv.insert(argv.end(), paths.begin(), paths.end());
  ChildProcess node(argv);
  node.CloseStdin();
  WarcioResult result;
  result.exit_code = node.Wait(std::chrono::seconds(60));
  result.err = node.err();
  result.out = nlohmann::json::parse(node.out(), nullptr, /*allow_exceptions=*/false);
  if (result.out.is_discarded()) result.out = nullptr;
  return result;
}

}  // namespace forage::test
