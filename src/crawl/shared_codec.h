#pragma once

// What a shared frontier (crawl/redis_frontier.h) keeps in Redis, as bytes:
// a waiting job (an entry of a host's queue, a lease, a retry) and a record
// committed with the end of its lease (kept until the node's output has it).
//
// A job entry starts with two bytes the Lua scripts read: its kind ('P' a
// page, 'R' a robots.txt fetch, 'X' a listed line that is no URL and ends at
// once) and how many times a node died holding it ('0' to '9'). The rest is
// compact for a queue of millions: varint numbers, the parent stored as what
// it does not share with the URL, fields that are usually empty as one flag
// bit. A record is the record's fields in order, lengths as u32.
//
// Decoders check every length against the bytes present and fail (nullopt)
// on anything torn, unknown or corrupt.

#include <optional>
#include <string>
#include <string_view>

#include "crawl/job_table.h"
#include "crawl/outcome_policy.h"
#include "forage/record.h"

namespace forage {

inline constexpr char kEntryPage = 'P';
inline constexpr char kEntryRobots = 'R';
inline constexpr char kEntryEnded = 'X';

// A job as a queue entry. `ended`: the job ends at once with that error
// when claimed (a listed line that is no URL); its kind is then 'X'.
// Kept: input, current_url, where, depth, parent, scope_root (when it is not
// the URL's own host), robots, node_deaths, deaths, attempts, hops, chain,
// first_fetched_at_ms, elapsed_ms. Not kept: id, slot, claimed, origin and
// host (the decoder's caller derives them from the URL), key, validators.
std::string EncodeJobEntry(const Job& job, const RecordError* ended = nullptr);

struct DecodedEntry {
  Job job;
  std::optional<RecordError> ended;
  int reclaims = 0;  // nodes that died holding it (also job.node_deaths)
};
// scope_root is left empty when it is the URL's host: the caller fills it in.
std::optional<DecodedEntry> DecodeJobEntry(std::string_view entry);

// Where a URL goes in the shared seen set: one of 65,536 buckets (a set of
// integers in Redis) and, in it, a 64-bit fingerprint. The bucket comes
// from a second hash, independent of the fingerprint (UrlFingerprint), so
// two URLs are taken for one only if 80 bits agree: at 10 million URLs the
// chance that any page is lost that way is about 4 in 10^11.
struct SeenKey {
  std::uint32_t bucket = 0;
  std::uint64_t fingerprint = 0;
  std::string BucketText() const;       // decimal
  std::string FingerprintText() const;  // decimal, as a signed 64-bit integer (intsets hold those)
  // Both, in one word, for a node's own cache of URLs known to be seen.
  std::uint64_t Mixed() const;
};
SeenKey SharedSeenKey(std::string_view canonical_url);

// An origin's robots.txt verdict as the crawl keeps it; decoding rebuilds
// the rules (parsing the body again for `user_agent`).
std::string EncodeRobotsVerdict(const RobotsVerdict& verdict);
std::optional<RobotsVerdict> DecodeRobotsVerdict(std::string_view bytes,
                                                 std::string_view user_agent);

// A record as the crawl keeps it until its node's output has it: every
// field but `headers` and `body`, which are never stored.
std::string EncodeRecord(const Record& record);
std::optional<Record> DecodeRecord(std::string_view bytes);

}  // namespace forage
