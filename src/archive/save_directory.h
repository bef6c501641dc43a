#pragma once

#include <string>
#include <string_view>

#include "core/fd.h"
#include "forage/status.h"

namespace forage {

// The directory --save writes bodies into, held open by descriptor: every
// file is made relative to it, one component at a time, so that a symbolic
// link planted inside it (by a page's earlier save, or by anyone) cannot
// lead a write outside it. The directory itself may be a symbolic link.
// Used by each fetcher process on its own; not thread-safe.
class SaveDirectory {
 public:
  enum class Outcome {
    kWritten,    // the file is new or its bytes changed: replaced whole
    kUnchanged,  // the file already held exactly these bytes: not touched
  };

  // Opens `path`, creating it and its parents (mode 0777 less the umask)
  // if missing. Fails if it cannot be made or opened as a directory.
  static Result<SaveDirectory> Open(std::string path);

  // Writes `body` to `relpath` (components separated by "/", as
  // SavePathFor makes them) below the directory: makes the missing
  // directories, refusing a component that is a symbolic link or not a
  // directory; leaves a regular file that already holds exactly `body`
  // alone (its mtime too); else writes a temporary file ".%tmp-PID-N" in
  // the target directory (a name SavePathFor never makes) and renames it
  // over the name, so a reader sees the old file or the new one, never
  // half of one. (Not synced to disk: a power cut may lose it.) Fails with
  // the file's path in the message: InvalidArgument for a relpath that is
  // absolute, empty or has an empty, "." or ".." component, else what the
  // system said (IOError for a full disk or a refused permission).
  Result<Outcome> Save(std::string_view relpath, std::string_view body);

  // The directory as given to Open, and `relpath` joined to it with "/".
  const std::string& path() const { return path_; }
  std::string Join(std::string_view relpath) const;

 private:
  SaveDirectory(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

  std::string path_;
  UniqueFd fd_;
  unsigned long temp_count_ = 0;  // makes this process's temporary names unique
};

}  // namespace forage
