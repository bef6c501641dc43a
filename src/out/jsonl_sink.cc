#include "out/jsonl_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace forage {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json OrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

std::string RecordToJson(const Record& r) {
  Json j;
  j["url"] = r.url;
  j["final_url"] = OrNull(r.final_url);
  j["ok"] = r.ok;
  j["status"] = OrNull(r.status);
  j["depth"] = r.depth;
  j["parent"] = OrNull(r.parent);
  j["content_type"] = OrNull(r.content_type);
  j["bytes"] = r.bytes;
  j["elapsed_ms"] = r.elapsed_ms;
  j["title"] = OrNull(r.title);
  j["description"] = OrNull(r.description);
  j["links"] = r.links;
  j["fields"] = Json::object();
  if (r.error) {
    j["error"] = {{"kind", ErrorKindName(r.error->kind)}, {"message", r.error->message}};
  } else {
    j["error"] = nullptr;
  }
  j["fetched_at"] = r.fetched_at_ms ? Json(FormatRfc3339(*r.fetched_at_ms)) : Json(nullptr);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<JsonlSink> JsonlSink::Open(const std::string& path) {
  if (path.empty() || path == "-") return JsonlSink(UniqueFd(), STDOUT_FILENO);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return Status::Error(path + ": " + std::strerror(errno));
  int raw = fd.get();
  return JsonlSink(std::move(fd), raw);
}

Status JsonlSink::Write(const Record& record) {
  std::string line = RecordToJson(record);
  line += '\n';
  return WriteAll(fd_, line);
}

}  // namespace forage
