#include "output/jsonl_sink.h"

#include <unordered_map>

#include "core/log.h"
#include "core/time_format.h"
#include "output/json_text.h"

namespace forage {
namespace {

// {"name": ["value", ...], ...}, in the map's (name) order.
void WriteFields(const std::map<std::string, std::vector<std::string>>& fields, JsonText* json) {
  json->BeginObject();
  for (const auto& [name, values] : fields) {
    json->Key(name);
    json->StringArray(values);
  }
  json->EndObject();
}

// {"name": ["value", ...], ...}: each name once, where it first came, with
// all its values in order.
void WriteHeaders(const std::vector<std::pair<std::string, std::string>>& headers,
                  JsonText* json) {
  std::vector<std::pair<std::string_view, std::vector<std::string>>> grouped;
  std::unordered_map<std::string_view, std::size_t> index;
  for (const auto& [name, value] : headers) {
    auto [it, added] = index.try_emplace(name, grouped.size());
    if (added) grouped.emplace_back(name, std::vector<std::string>());
    grouped[it->second].second.push_back(value);
  }
  json->BeginObject();
  for (const auto& [name, values] : grouped) {
    json->Key(name);
    json->StringArray(values);
  }
  json->EndObject();
}

}  // namespace

std::string HeadersToJsonText(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  JsonText json(&out);
  WriteHeaders(headers, &json);
  return out;
}

std::string LinksToJsonText(const std::vector<std::string>& links) {
  std::string out;
  JsonText(&out).StringArray(links);
  return out;
}

std::string TruncatedToJsonText(const std::vector<std::string>& truncated) {
  return LinksToJsonText(truncated);
}

std::string FieldsToJsonText(const std::map<std::string, std::vector<std::string>>& fields) {
  std::string out;
  JsonText json(&out);
  WriteFields(fields, &json);
  return out;
}

std::string RecordToJson(const Record& r, const SinkOptions& options) {
  std::string out;
  std::size_t guess = 512 + r.url.size();
  for (const std::string& link : r.links) guess += link.size() + 3;
  if (options.with_text && r.text) guess += r.text->size();
  out.reserve(guess);
  JsonText j(&out);
  j.BeginObject();
  j.Key("url");
  j.String(r.url);
  j.Key("final_url");
  j.OptionalString(r.final_url);
  j.Key("ok");
  j.Bool(r.ok);
  j.Key("status");
  if (r.status) {
    j.Number(*r.status);
  } else {
    j.Null();
  }
  j.Key("unchanged");
  j.Bool(r.unchanged);
  j.Key("depth");
  j.Number(r.depth);
  j.Key("parent");
  j.OptionalString(r.parent);
  j.Key("content_type");
  j.OptionalString(r.content_type);
  j.Key("bytes");
  j.Number(r.bytes);
  j.Key("elapsed_ms");
  j.Number(r.elapsed_ms);
  j.Key("title");
  j.OptionalString(r.title);
  j.Key("description");
  j.OptionalString(r.description);
  j.Key("links");
  j.StringArray(r.links);
  j.Key("fields");
  WriteFields(r.fields, &j);
  if (options.with_text) {
    j.Key("text");
    j.OptionalString(r.text);
  }
  j.Key("error");
  if (r.error) {
    j.BeginObject();
    j.Key("kind");
    j.String(ErrorKindName(r.error->kind));
    j.Key("message");
    j.String(r.error->message);
    j.EndObject();
  } else {
    j.Null();
  }
  j.Key("fetched_at");
  if (r.fetched_at_ms) {
    j.String(FormatRfc3339(*r.fetched_at_ms));
  } else {
    j.Null();
  }
  j.Key("truncated");
  j.StringArray(r.truncated);
  j.Key("sha256");
  j.OptionalString(r.sha256);
  j.Key("noindex");
  j.Bool(r.noindex);
  j.Key("canonical");
  j.OptionalString(r.canonical);
  if (options.with_headers) {
    j.Key("headers");
    WriteHeaders(r.headers, &j);
  }
  if (options.with_saved) {
    j.Key("saved");
    j.OptionalString(r.saved);
  }
  j.EndObject();
  return out;
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
