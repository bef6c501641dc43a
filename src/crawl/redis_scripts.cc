#include "crawl/redis_scripts.h"

#include <string>
#include <string_view>

namespace forage {
namespace {

// Generated from crawl/redis_lua/ by CMake (cmake/EmbedLua.cmake).
#include "redis_lua_sources.inc"

std::string WithCommon(std::string_view body) {
  std::string source(kLuaCommon);
  source += '\n';
  source += body;
  return source;
}

}  // namespace

RedisScripts::RedisScripts()
    : register_(WithCommon(kLuaRegister)),
      beat(WithCommon(kLuaBeat)),
      admit(WithCommon(kLuaAdmit)),
      claim(WithCommon(kLuaClaim)),
      commit(WithCommon(kLuaCommit)),
      release(WithCommon(kLuaRelease)),
      sent(WithCommon(kLuaSent)),
      pause(WithCommon(kLuaPause)),
      mark(WithCommon(kLuaMark)),
      leave(WithCommon(kLuaLeave)),
      input_done(WithCommon(kLuaInputDone)) {}

}  // namespace forage
