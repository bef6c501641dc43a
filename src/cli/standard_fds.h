#pragma once

#include "forage/status.h"

namespace forage {

// The standard descriptors 0, 1 and 2 as the program found them.
struct StandardFds {
  bool in_closed = false;
  bool out_closed = false;
  bool err_closed = false;

  // Opens /dev/null (read and write, as daemons do) on each of descriptors
  // 0 to 2 that is closed, and says which were. Otherwise the first
  // descriptors the run opens take their places: a self-pipe on 0 is then
  // read as standard input, and records written to 1 go into a pipe.
  // Call it first in main, before anything opens a descriptor. Fails only
  // if /dev/null cannot be opened, saying so.
  static Result<StandardFds> ReopenClosed();
};

}  // namespace forage
