#pragma once

#include <string_view>

#include "forage/status.h"

namespace forage {

// A failed system call as a Status: "what: strerror(err)" (or strerror(err)
// alone when `what` is empty), coded from errno: ENOENT and ENOTDIR are
// kNotFound; EISDIR kInvalidArgument (a directory named as a file); ENOMEM,
// EMFILE, ENFILE, ENOBUFS and EAGAIN kResourceExhausted; anything else
// kIOError. The place errno becomes a StatusCode.
Status ErrnoStatus(std::string_view what, int err);

}  // namespace forage
