#include "output/jsonl_sink.h"

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/time_format.h"

namespace forage {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json OrNull(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json FieldsJson(const std::map<std::string, std::vector<std::string>>& fields) {
  Json j = Json::object();
  for (const auto& [name, values] : fields) j[name] = values;
  return j;
}

// Compact, invalid UTF-8 replaced by U+FFFD. With the replace handler dump()
// has nothing left to throw for; `fallback` covers the unforeseen.
std::string Dump(const Json& j, const char* fallback) {
  try {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const Json::exception&) {
    return fallback;
  }
}

// {"name": ["value", ...], ...}, names in the order they first came.
Json HeadersJson(const std::vector<std::pair<std::string, std::string>>& headers) {
  Json j = Json::object();
  for (const auto& [name, value] : headers) j[name].push_back(value);
  return j;
}

}  // namespace

std::string HeadersToJsonText(const std::vector<std::pair<std::string, std::string>>& headers) {
  return Dump(HeadersJson(headers), "{}");
}

std::string LinksToJsonText(const std::vector<std::string>& links) {
  return Dump(Json(links), "[]");
}

std::string TruncatedToJsonText(const std::vector<std::string>& truncated) {
  return Dump(Json(truncated), "[]");
}

std::string FieldsToJsonText(const std::map<std::string, std::vector<std::string>>& fields) {
  return Dump(FieldsJson(fields), "{}");
}

std::string RecordToJson(const Record& r, const SinkOptions& options) {
  Json j;
  j["url"] = r.url;
  j["final_url"] = OrNull(r.final_url);
  j["ok"] = r.ok;
  j["status"] = OrNull(r.status);
  j["unchanged"] = r.unchanged;
  j["depth"] = r.depth;
  j["parent"] = OrNull(r.parent);
  j["content_type"] = OrNull(r.content_type);
  j["bytes"] = r.bytes;
  j["elapsed_ms"] = r.elapsed_ms;
  j["title"] = OrNull(r.title);
  j["description"] = OrNull(r.description);
  j["links"] = r.links;
  j["fields"] = FieldsJson(r.fields);
  if (options.with_text) j["text"] = OrNull(r.text);
  if (r.error) {
    j["error"] = {{"kind", ErrorKindName(r.error->kind)}, {"message", r.error->message}};
  } else {
    j["error"] = nullptr;
  }
  j["fetched_at"] = r.fetched_at_ms ? Json(FormatRfc3339(*r.fetched_at_ms)) : Json(nullptr);
  j["truncated"] = r.truncated;
  j["sha256"] = OrNull(r.sha256);
  j["noindex"] = r.noindex;
  j["canonical"] = OrNull(r.canonical);
  if (options.with_headers) j["headers"] = HeadersJson(r.headers);
  if (options.with_saved) j["saved"] = OrNull(r.saved);
  return Dump(j, R"({"url":null,"error":{"kind":"other","message":"unencodable record"}})");
}

Result<JsonlSink> JsonlSink::Open(const std::string& path, const SinkOptions& options) {
  Result<OutputFile> out = OutputFile::Open(path, options.append || options.resume);
  if (!out.ok()) return out.status();
  if (options.append) {
    Result<bool> ended = out.value().EndLastLine();
    if (!ended.ok()) return ended.status();
    if (ended.value()) {
      LogWarn(out.value().where() +
              ": its last line had no newline (a torn record?); appending on a new line");
    }
  }
  return JsonlSink(std::move(out).value(), options);
}

JsonlSink::~JsonlSink() { (void)Close(); }

Status JsonlSink::Write(const Record& record) {
  std::string line = RecordToJson(record, options_);
  line += '\n';
  return out_.Write(line);
}

Status JsonlSink::Close() { return out_.Close(); }

}  // namespace forage
