#include "cli/run_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

namespace forage {
namespace {

// What makes two paths one file, as a string to compare; empty for a file
// that cannot be shared (not a regular file).
std::string Identity(const std::string& path, const StatFunction& stat) {
  if (std::optional<FileId> id = stat(path)) {
    if (!id->regular) return "";
    return "file " + std::to_string(id->device) + ":" + std::to_string(id->inode);
  }
  // Not there yet: its directory and its name. Opening creates it there.
  const std::filesystem::path normal = std::filesystem::path(path).lexically_normal();
  std::filesystem::path dir = normal.parent_path();
  if (dir.empty()) dir = ".";
  if (std::optional<FileId> id = stat(dir.string())) {
    return "name " + std::to_string(id->device) + ":" + std::to_string(id->inode) + "/" +
           normal.filename().string();
  }
  // No such directory either: opening will fail; compare the names.
  return "path " + normal.string();
}

}  // namespace

std::optional<FileId> StatPath(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino, S_ISREG(st.st_mode)};
}

Status CheckPathCollisions(const std::vector<RunPath>& paths, const StatFunction& stat) {
  std::map<std::string, const RunPath*> seen;
  for (const RunPath& run_path : paths) {
    const std::string id = Identity(run_path.path, stat);
    if (id.empty()) continue;
    auto [it, added] = seen.emplace(id, &run_path);
    const RunPath& other = *it->second;
    if (added || (!run_path.written && !other.written)) continue;
    // Nothing is opened yet: say it before the second job destroys the first's file.
    return Status::InvalidArgument(other.what + " " + other.path + " and " + run_path.what + " " +
                                   run_path.path + " are the same file; give each its own");
  }
  return {};
}

std::vector<RunPath> RunPathsOf(const CliConfig& config) {
  std::vector<RunPath> paths;
  if (!config.config_path.empty()) paths.push_back({"--config", config.config_path, false});
  for (const std::string& file : config.files) {
    if (file != "-") paths.push_back({"the input file", file, false});
  }
  if (config.output != "-") paths.push_back({"-o", config.output, true});
  if (!config.state_path.empty()) {
    paths.push_back({"--state", config.state_path, true});
    for (const char* beside : {"-wal", "-shm", "-journal"}) {
      paths.push_back({"--state", config.state_path + beside, true});
    }
  }
  if (!config.stats_path.empty()) paths.push_back({"--stats", config.stats_path, true});
  if (!config.lock_path.empty()) paths.push_back({"--lock", config.lock_path, true});
  return paths;
}

Status CheckWritable(const std::string& option, const std::string& path) {
  auto refuse = [&](const std::string& why) {
    return Status::InvalidArgument("cannot write " + option + " " + path + ": " + why);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return refuse("it is a directory");
    if (::access(path.c_str(), W_OK) != 0) return refuse(std::strerror(errno));
    return {};
  }
  if (errno != ENOENT) return refuse(std::strerror(errno));
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (::stat(dir.c_str(), &st) != 0) return refuse(dir.string() + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return refuse(dir.string() + " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return refuse(dir.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace forage
