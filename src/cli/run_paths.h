#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_options.h"
#include "forage/status.h"

namespace forage {

// One file a run reads or writes, and the option that names it.
struct RunPath {
  std::string what;  // how the message names it: "--state", "the input file"
  std::string path;
  bool written = false;  // read-only files may share a path with each other
};

// What stat(2) says of a path that exists.
struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  bool regular = true;  // a device, fifo or directory never counts as shared
};
using StatFunction = std::function<std::optional<FileId>(const std::string& path)>;

// The real stat(2) (following symbolic links); nullopt if it fails.
std::optional<FileId> StatPath(const std::string& path);

// Fails, naming both, when two paths of which at least one is written are
// the same file: the same device and inode, or, for a path that does not
// exist yet, the same name in the same directory (itself compared by device
// and inode, so "x", "./x" and "/abs/x" are one). Non-regular files (say
// /dev/null) are never shared. Pure but for `stat`.
Status CheckPathCollisions(const std::vector<RunPath>& paths, const StatFunction& stat);

// The files a run of `config` reads and writes: -o, --state (and SQLite's
// files beside it), --stats, --lock, --config and the URL list files.
std::vector<RunPath> RunPathsOf(const CliConfig& config);

// Whether `path` can be written without creating a directory: it is a
// file that may be written, or its directory exists and may be written.
// For a file written only after the crawl (--stats), checked before it, so
// that a typo does not cost a whole run. Fails naming `option` and why.
Status CheckWritable(const std::string& option, const std::string& path);

}  // namespace forage
