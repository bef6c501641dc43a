// forage_warc_check: reads a set of WARC files with the tests' own reader
// (support/warc_reader.h, written from the WARC 1.1 specification), checks
// each record and the set as a whole, and prints one JSON object:
//
//   {"ok": bool, "errors": ["PATH: offset N: what", ...],
//    "records": [{"file", "offset", "length", "type", "id", "target_uri",
//                 "date", "status", "concurrent_to", "refers_to",
//                 "truncated", "payload_sha1", "content_type", "ip"}, ...]}
//
// "offset"/"length": the record's gzip member (uncompressed files: the
// record itself); "status": the HTTP status of a response or revisit, else
// null; "concurrent_to": an array of IDs; "target_uri" without angle
// brackets; "payload_sha1": "sha1:BASE32" of the payload (HTTP entity body,
// chunked coding removed), null for revisits; absent fields are null.
//
// Usage: forage_warc_check [--accept-raw-chunked-digest] FILE...
//   --accept-raw-chunked-digest also accepts a WARC-Payload-Digest over a
//   chunked body as sent, as GNU wget 1.21 writes it.
// Exit status: 0 when ok, 1 when not, 2 for a usage error.

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/warc_reader.h"

namespace {

using forage::test::WarcRecord;
using nlohmann::json;

json OrNull(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json RecordJson(const WarcRecord& r) {
  std::optional<std::string> refers = r.Field("WARC-Refers-To");
  return {{"file", r.file},
          {"offset", r.offset},
          {"length", r.length},
          {"type", r.Type()},
          {"id", r.Id()},
          {"target_uri", r.Field("WARC-Target-URI") ? json(r.TargetUri()) : json(nullptr)},
          {"date", OrNull(r.Field("WARC-Date"))},
          {"status", r.http_status ? json(*r.http_status) : json(nullptr)},
          {"concurrent_to", r.Fields("WARC-Concurrent-To")},
          {"refers_to", OrNull(refers)},
          {"truncated", OrNull(r.Field("WARC-Truncated"))},
          {"payload_sha1", r.payload_sha1.empty() ? json(nullptr) : json(r.payload_sha1)},
          {"content_type", OrNull(r.Field("Content-Type"))},
          {"ip", OrNull(r.Field("WARC-IP-Address"))}};
}

}  // namespace

int main(int argc, char** argv) {
  forage::test::WarcReadOptions options;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--accept-raw-chunked-digest") {
      options.accept_raw_chunked_digest = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "forage_warc_check: unknown option " << arg << "\n";
      return 2;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: forage_warc_check [--accept-raw-chunked-digest] FILE...\n";
    return 2;
  }
  forage::test::WarcSet set = forage::test::ReadWarcSet(paths, options);
  json records = json::array();
  for (const auto& file : set.files) {
    for (const WarcRecord& r : file.records) records.push_back(RecordJson(r));
  }
  json out = {{"ok", set.ok()}, {"errors", set.errors}, {"records", records}};
  // Bytes that are not UTF-8 (a header is bytes) print as U+FFFD.
  std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  return set.ok() ? 0 : 1;
}
