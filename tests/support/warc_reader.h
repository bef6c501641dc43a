#pragma once

// An independent WARC reader for the tests: it checks the WARC files forage
// writes (and, as a proof against a third party, those GNU wget writes)
// against the WARC 1.1 specification (ISO 28500:2017), never against
// forage's writer. Test support only: it reads whole files into memory.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forage::test {

struct WarcField {
  std::string name;   // as written
  std::string value;  // leading and trailing whitespace removed
};

// One WARC record as read, with what the reader worked out about it.
struct WarcRecord {
  std::string file;
  // In a .warc.gz the offset and compressed length of the gzip member
  // holding the record; in an uncompressed file the record's own offset
  // and length (trailing CRLFCRLF included).
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string version;            // "WARC/1.1" or "WARC/1.0"
  std::vector<WarcField> fields;  // header fields in file order
  std::string block;              // Content-Length bytes

  // The first value of field `name` (case-insensitive), or nullopt.
  std::optional<std::string> Field(std::string_view name) const;
  // Every value of field `name`, in order (WARC-Concurrent-To may repeat).
  std::vector<std::string> Fields(std::string_view name) const;
  // Field(name) or "".
  std::string Value(std::string_view name) const;
  std::string Type() const { return Value("WARC-Type"); }
  std::string Id() const { return Value("WARC-Record-ID"); }
  // WARC-Target-URI without the angle brackets WARC 1.0 writers (wget)
  // put around it; "" when absent.
  std::string TargetUri() const;

  // The HTTP status of a response or revisit record whose block is
  // application/http; nullopt otherwise or when its status line is bad.
  std::optional<int> http_status;
  // "sha1:BASE32" of the payload as WARC 1.1 (6.3.2) defines it: for an
  // application/http block the entity body with any chunked
  // Transfer-Encoding removed (Content-Encoding kept); for other blocks
  // the block. "" for revisit records (their payload is elsewhere).
  std::string payload_sha1;
  // WARC-Payload-Digest matched only the body as sent (chunk framing
  // included), as GNU wget 1.21 digests it, or a body that does not
  // de-chunk.
  bool payload_digest_over_raw_body = false;
};

struct WarcReadOptions {
  // Accept a WARC-Payload-Digest over a chunked body as sent, chunk
  // framing included, even when the body de-chunks: GNU wget 1.21 writes
  // those. Off, such a digest is accepted only when de-chunking fails.
  bool accept_raw_chunked_digest = false;
};

struct WarcFile {
  std::string path;
  std::vector<WarcRecord> records;
  // "PATH: offset N: what" for every failure found in this file alone.
  std::vector<std::string> errors;
};

// Reads and checks one WARC file: gzip (each record its own member,
// recognised by the gzip magic) or uncompressed. Never throws for a bad
// file; an unreadable one is an error in the result.
WarcFile ReadWarcFile(const std::string& path, const WarcReadOptions& options = {});
// The same over bytes already in memory; `name` stands for the file in
// records and messages.
WarcFile ParseWarc(const std::string& name, std::string_view bytes,
                   const WarcReadOptions& options = {});

struct WarcSet {
  std::vector<WarcFile> files;
  // Each file's errors, then those of the checks across the set.
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Reads every file and checks the set as a whole: record IDs unique;
// every WARC-Concurrent-To, WARC-Refers-To and WARC-Warcinfo-ID (that one
// naming a warcinfo record) found in the set; each file starting with a
// warcinfo record; each http(s) response linked by WARC-Concurrent-To
// (either way) to a request record of the same target URI.
WarcSet ReadWarcSet(const std::vector<std::string>& paths, const WarcReadOptions& options = {});
// The set checks alone, over files already read; appends to set.errors.
void CheckWarcSet(WarcSet& set);

// Pieces, for the unit tests.
// RFC 4648 base32, upper case, with '=' padding.
std::string Base32(std::string_view bytes);
// "sha1:" + Base32(SHA-1 of bytes), the form of the spec's examples.
std::string Sha1Digest(std::string_view bytes);
// `body` without its chunked transfer coding (RFC 9112 7.1: sizes in hex,
// extensions and trailers dropped); nullopt when it is not a complete,
// well-formed chunked body.
std::optional<std::string> Dechunk(std::string_view body);

}  // namespace forage::test
