#pragma once

// The Lua scripts of the shared frontier (crawl/redis_lua/*.lua, each run
// with common.lua in front), built into the library by CMake.

#include "redis/redis_client.h"

namespace forage {

struct RedisScripts {
  RedisScripts();
  redis::Script register_, beat, admit, claim, commit, release, sent, pause, mark, leave,
      input_done;
};

}  // namespace forage
