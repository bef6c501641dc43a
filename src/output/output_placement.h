#pragma once

#include <string>

#include "forage/status.h"

namespace forage {

// Where a sink writes so that readers of PATH (say, the next cron job) only
// ever see a whole output: a temporary name beside PATH (same directory, so
// the rename is atomic), renamed into place by Commit() when the run ends.
// Standard output, devices and FIFOs, and --append write in place: there is
// nothing to swap.
// A master killed with SIGKILL leaves its temporary file behind, named
// ".NAME.forage-PID.tmp", and PATH as it was.
class OutputPlacement {
 public:
  // `adopt`, when not empty, is a temporary file a killed run left beside
  // PATH (see RecoverOutput), written on instead of a new one.
  OutputPlacement(const std::string& path, bool append, const std::string& adopt = "");
  ~OutputPlacement();  // an uncommitted temporary file is removed
  OutputPlacement(const OutputPlacement&) = delete;
  OutputPlacement& operator=(const OutputPlacement&) = delete;

  // The path to open the sink on.
  const std::string& write_path() const { return write_path_; }
  // Renames the temporary file onto PATH (after the sink is closed).
  Status Commit();
  // Leaves the temporary file where it is when this ends uncommitted, as a
  // killed run would: with --state the next run cuts it back and takes it up.
  void Keep() { keep_ = true; }
  // Whether write_path() is a temporary file beside PATH.
  bool temporary() const { return temporary_; }

 private:
  std::string path_;
  std::string write_path_;
  bool temporary_ = false;
  bool keep_ = false;
};

}  // namespace forage
