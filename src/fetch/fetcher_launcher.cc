#include "fetch/fetcher_launcher.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/log.h"
#include "fetch/fetcher_loop.h"
#include "ipc/wire.h"

#ifndef FORAGE_LIBEXEC_DIR
#define FORAGE_LIBEXEC_DIR "/usr/local/libexec/forage"
#endif

namespace forage {
namespace {

constexpr const char* kProgram = "forage-fetcher";

bool g_fork_first = false;  // AllowForkingFirstFetchers

bool IsExecutable(const std::filesystem::path& path) {
  return ::access(path.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(path);
}

// forage-fetcher beside `binary` or in ../libexec/forage/ from it.
std::string NextTo(const std::filesystem::path& binary) {
  const std::filesystem::path dir = binary.parent_path();
  for (const std::filesystem::path& candidate :
       {dir / kProgram, dir / ".." / "libexec" / "forage" / kProgram}) {
    std::error_code ec;
    if (IsExecutable(candidate)) return std::filesystem::canonical(candidate, ec).string();
  }
  return "";
}

}  // namespace

void AllowForkingFirstFetchers() { g_fork_first = true; }

std::string FindFetcherProgram(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("FORAGE_FETCHER"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  if (auto self = std::filesystem::read_symlink("/proc/self/exe", ec); !ec) {
    if (std::string found = NextTo(self); !found.empty()) return found;
  }
  // The object this code is in: libforage.so, or the program it is linked into.
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&FindFetcherProgram), &info) != 0 && info.dli_fname) {
    if (std::string found = NextTo(info.dli_fname); !found.empty()) return found;
  }
  const std::filesystem::path installed = std::filesystem::path(FORAGE_LIBEXEC_DIR) / kProgram;
  if (IsExecutable(installed)) return installed.string();
  LogDebug("no forage-fetcher program found: fetchers are forked from this process");
  return "";
}

Result<std::unique_ptr<WorkerPool>> LaunchFetcherPool(std::size_t workers,
                                                      const CrawlOptions& options) {
  // A forked fetcher has the settings in its copy of this process.
  FetcherEntry forked = [settings = options.fetch](WorkQueue q, int doorbell, int out) {
    return RunFetcher(settings, q, doorbell, out);
  };
  if (std::string program = FindFetcherProgram(options.fetcher_program); !program.empty()) {
    return WorkerPool::CreateSpawning(workers, std::move(program),
                                      wire::EncodeFetcherConfig(options.fetch, GetLogLevel()),
                                      g_fork_first ? std::move(forked) : nullptr);
  }
  return WorkerPool::Create(workers, std::move(forked));
}

}  // namespace forage
