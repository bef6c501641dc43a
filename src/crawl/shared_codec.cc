#include "crawl/shared_codec.h"

#include <algorithm>
#include <utility>

#include "core/url.h"
#include "ipc/byte_codec.h"

namespace forage {
namespace {

// Version 2 adds sha256, version 3 noindex and canonical; older records
// (without them) still decode, so that a node replays what an older one
// committed.
constexpr std::uint8_t kRecordVersion = 3;

// Flag bits of a job entry.
enum : std::uint8_t {
  kHasParent = 1,
  kHasScopeRoot = 2,
  kHasCurrentUrl = 4,
  kHasWhere = 8,
  kHasHistory = 16,  // deaths, attempts, hops, chain, times
  kHasError = 32,
};

void PutVarint(std::string* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out += static_cast<char>(v);
}

void PutText(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

class VarintReader {
 public:
  explicit VarintReader(std::string_view in) : in_(in) {}
  bool Varint(std::uint64_t* v) {
    std::uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      const auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      x |= std::uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80)) {
        *v = x;
        return true;
      }
    }
    return false;
  }
  bool Int(int* v) {
    std::uint64_t x;
    if (!Varint(&x) || x > 0x7fffffff) return false;
    *v = static_cast<int>(x);
    return true;
  }
  bool Text(std::string* s) {
    std::uint64_t n;
    if (!Varint(&n) || n > in_.size()) return false;
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool Byte(std::uint8_t* b) {
    if (in_.empty()) return false;
    *b = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    return true;
  }
  bool AtEnd() const { return in_.empty(); }

 private:
  std::string_view in_;
};

std::size_t CommonPrefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// The host of an http(s) URL as it is written ("a.example" of
// "https://a.example:8443/x"), for the scope root most links share.
std::string_view WrittenHost(std::string_view url) {
  std::size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  start += 3;
  std::size_t end = url.find_first_of(":/?#", start);
  return url.substr(start, end == std::string_view::npos ? url.npos : end - start);
}

void PutOptional(ByteWriter& w, const std::optional<std::string>& s) {
  w.U8(s ? 1 : 0);
  if (s) w.Str(*s);
}

bool GetOptional(ByteReader& r, std::optional<std::string>* s) {
  std::uint8_t has;
  if (!r.U8(&has) || has > 1) return false;
  if (!has) {
    s->reset();
    return true;
  }
  s->emplace();
  return r.Str(&**s);
}

void PutList(ByteWriter& w, const std::vector<std::string>& list) {
  w.U32(static_cast<std::uint32_t>(list.size()));
  for (const std::string& s : list) w.Str(s);
}

bool GetList(ByteReader& r, std::vector<std::string>* list) {
  std::uint32_t n;
  if (!r.U32(&n) || n > r.Left() / 4) return false;
  list->resize(n);
  for (std::string& s : *list) {
    if (!r.Str(&s)) return false;
  }
  return true;
}

}  // namespace

std::string EncodeJobEntry(const Job& job, const RecordError* ended) {
  std::string out;
  out.reserve(job.input.size() + 24);
  out += ended ? kEntryEnded : job.robots ? kEntryRobots : kEntryPage;
  out += static_cast<char>('0' + std::clamp(job.node_deaths, 0, 9));
  const std::string_view url = job.Url();
  const bool own_root = job.scope_root && *job.scope_root == WrittenHost(url);
  const bool history = job.deaths || job.attempts || job.hops || !job.chain.empty() ||
                       job.first_fetched_at_ms || job.elapsed_ms;
  std::uint8_t flags = 0;
  if (job.parent) flags |= kHasParent;
  if (job.scope_root && !own_root) flags |= kHasScopeRoot;
  if (!job.current_url.empty()) flags |= kHasCurrentUrl;
  if (!job.where.empty()) flags |= kHasWhere;
  if (history) flags |= kHasHistory;
  if (ended) flags |= kHasError;
  out += static_cast<char>(flags);
  PutVarint(&out, static_cast<std::uint64_t>(job.depth));
  PutText(&out, job.input);
  if (job.parent) {
    // Links mostly share their page's scheme, host and directories.
    const std::size_t common = CommonPrefix(job.input, *job.parent);
    PutVarint(&out, common);
    PutText(&out, std::string_view(*job.parent).substr(common));
  }
  if (flags & kHasScopeRoot) PutText(&out, *job.scope_root);
  if (flags & kHasCurrentUrl) PutText(&out, job.current_url);
  if (flags & kHasWhere) PutText(&out, job.where);
  if (history) {
    PutVarint(&out, static_cast<std::uint64_t>(job.deaths));
    PutVarint(&out, static_cast<std::uint64_t>(job.attempts));
    PutVarint(&out, static_cast<std::uint64_t>(job.hops));
    PutVarint(&out, static_cast<std::uint64_t>(job.first_fetched_at_ms));
    PutVarint(&out, job.elapsed_ms);
    PutVarint(&out, job.chain.size());
    for (std::uint64_t fingerprint : job.chain) PutVarint(&out, fingerprint);
  }
  if (ended) {
    out += static_cast<char>(ended->kind);
    PutText(&out, ended->message);
  }
  return out;
}

std::optional<DecodedEntry> DecodeJobEntry(std::string_view entry) {
  if (entry.size() < 3) return std::nullopt;
  const char kind = entry[0];
  if (kind != kEntryPage && kind != kEntryRobots && kind != kEntryEnded) return std::nullopt;
  if (entry[1] < '0' || entry[1] > '9') return std::nullopt;
  DecodedEntry out;
  out.reclaims = entry[1] - '0';
  Job& job = out.job;
  job.node_deaths = out.reclaims;
  job.robots = kind == kEntryRobots;
  VarintReader r(entry.substr(2));
  std::uint8_t flags;
  if (!r.Byte(&flags) || flags >= 64) return std::nullopt;
  if (!r.Int(&job.depth) || !r.Text(&job.input)) return std::nullopt;
  if (flags & kHasParent) {
    std::uint64_t common;
    std::string suffix;
    if (!r.Varint(&common) || common > job.input.size() || !r.Text(&suffix)) return std::nullopt;
    job.parent = std::make_shared<const std::string>(job.input.substr(0, common) + suffix);
  }
  if (flags & kHasScopeRoot) {
    std::string root;
    if (!r.Text(&root)) return std::nullopt;
    job.scope_root = std::make_shared<const std::string>(std::move(root));
  }
  if ((flags & kHasCurrentUrl) && !r.Text(&job.current_url)) return std::nullopt;
  if ((flags & kHasWhere) && !r.Text(&job.where)) return std::nullopt;
  if (flags & kHasHistory) {
    std::uint64_t fetched, chain;
    if (!r.Int(&job.deaths) || !r.Int(&job.attempts) || !r.Int(&job.hops) || !r.Varint(&fetched) ||
        !r.Varint(&job.elapsed_ms) || !r.Varint(&chain) || chain > 64) {
      return std::nullopt;
    }
    job.first_fetched_at_ms = static_cast<std::int64_t>(fetched);
    job.chain.resize(chain);
    for (std::uint64_t& fingerprint : job.chain) {
      if (!r.Varint(&fingerprint)) return std::nullopt;
    }
  }
  if (flags & kHasError) {
    std::uint8_t error_kind;
    RecordError error;
    if (!r.Byte(&error_kind) || !r.Text(&error.message)) return std::nullopt;
    error.kind = static_cast<ErrorKind>(error_kind);
    out.ended = std::move(error);
  }
  if (!r.AtEnd() || (kind == kEntryEnded) != out.ended.has_value()) return std::nullopt;
  if (!(flags & kHasScopeRoot) && !job.robots && kind != kEntryEnded) {
    job.scope_root = std::make_shared<const std::string>(WrittenHost(job.Url()));
  }
  return out;
}

namespace {

// A polynomial hash modulo the Mersenne prime 2^61 - 1: an algorithm
// unrelated to UrlFingerprint's FNV-1a, so that the two collide
// independently.
std::uint64_t SecondHash(std::string_view s) {
  constexpr std::uint64_t kPrime = (std::uint64_t{1} << 61) - 1;
  constexpr std::uint64_t kBase = 0x1b873593a5a5a5bull % kPrime;
  auto mul = [](std::uint64_t a, std::uint64_t b) {
    __extension__ using Wide = unsigned __int128;  // GCC's and Clang's, not ISO C++
    const Wide p = static_cast<Wide>(a) * b;
    std::uint64_t r = static_cast<std::uint64_t>(p & kPrime) + static_cast<std::uint64_t>(p >> 61);
    return r >= kPrime ? r - kPrime : r;
  };
  std::uint64_t h = 0;
  for (unsigned char c : s) {
    h = mul(h, kBase) + c + 1;
    if (h >= kPrime) h -= kPrime;
  }
  return SpreadBits(h);  // the residue's 61 bits over all 64
}

}  // namespace

std::string SeenKey::BucketText() const { return std::to_string(bucket); }
std::string SeenKey::FingerprintText() const {
  return std::to_string(static_cast<std::int64_t>(fingerprint));
}
std::uint64_t SeenKey::Mixed() const {
  return fingerprint ^ (std::uint64_t{bucket} * 0x9e3779b97f4a7c15ull);
}

SeenKey SharedSeenKey(std::string_view canonical_url) {
  return SeenKey{static_cast<std::uint32_t>(SecondHash(canonical_url) >> 48),
                 UrlFingerprint(canonical_url)};
}

std::string EncodeRobotsVerdict(const RobotsVerdict& v) {
  ByteWriter w;
  w.U8(1);  // layout
  w.U8(static_cast<std::uint8_t>(v.basis));
  w.U8(static_cast<std::uint8_t>(v.denial));
  w.Str(v.message);
  w.U64(v.crawl_delay ? static_cast<std::uint64_t>(v.crawl_delay->count()) + 1 : 0);
  w.Str(v.basis == RobotsVerdict::Basis::kParsed ? std::string_view(v.body) : "");
  return std::move(w).Take();
}

std::optional<RobotsVerdict> DecodeRobotsVerdict(std::string_view bytes,
                                                 std::string_view user_agent) {
  ByteReader r(bytes);
  std::uint8_t layout, basis, denial;
  std::uint64_t delay;
  RobotsVerdict v;
  if (!r.U8(&layout) || layout != 1 || !r.U8(&basis) || basis > 2 || !r.U8(&denial) ||
      !r.Str(&v.message) || !r.U64(&delay) || !r.Str(&v.body) || !r.AtEnd()) {
    return std::nullopt;
  }
  v.basis = static_cast<RobotsVerdict::Basis>(basis);
  v.denial = static_cast<ErrorKind>(denial);
  if (delay) v.crawl_delay = std::chrono::milliseconds(delay - 1);
  switch (v.basis) {
    case RobotsVerdict::Basis::kAllowAll:
      v.rules = RobotsRules::AllowAll();
      break;
    case RobotsVerdict::Basis::kDisallowAll:
      v.rules = RobotsRules::DisallowAll();
      break;
    case RobotsVerdict::Basis::kParsed:
      v.rules = RobotsRules::Parse(v.body, user_agent);
      break;
  }
  return v;
}

std::string EncodeRecord(const Record& r) {
  ByteWriter w;
  w.U8(kRecordVersion);
  w.Str(r.url);
  PutOptional(w, r.final_url);
  w.U8(r.ok ? 1 : 0);
  w.U8(r.status ? 1 : 0);
  w.U32(static_cast<std::uint32_t>(r.status.value_or(0)));
  w.U8(r.unchanged ? 1 : 0);
  w.U32(static_cast<std::uint32_t>(r.depth));
  PutOptional(w, r.parent);
  PutOptional(w, r.content_type);
  w.U64(r.bytes);
  w.U64(r.elapsed_ms);
  PutOptional(w, r.title);
  PutOptional(w, r.description);
  PutList(w, r.links);
  w.U32(static_cast<std::uint32_t>(r.fields.size()));
  for (const auto& [name, values] : r.fields) {
    w.Str(name);
    PutList(w, values);
  }
  PutOptional(w, r.text);
  w.U8(r.error ? 1 : 0);
  if (r.error) {
    w.U8(static_cast<std::uint8_t>(r.error->kind));
    w.Str(r.error->message);
  }
  w.U8(r.fetched_at_ms ? 1 : 0);
  w.U64(static_cast<std::uint64_t>(r.fetched_at_ms.value_or(0)));
  PutList(w, r.truncated);
  PutOptional(w, r.sha256);
  w.U8(r.noindex ? 1 : 0);
  PutOptional(w, r.canonical);
  return std::move(w).Take();
}

std::optional<Record> DecodeRecord(std::string_view bytes) {
  ByteReader r(bytes);
  Record rec;
  std::uint8_t version, ok, has_status, unchanged, has_error, has_fetched;
  std::uint32_t status, depth, n_fields;
  std::uint64_t fetched;
  if (!r.U8(&version) || version < 1 || version > kRecordVersion || !r.Str(&rec.url) ||
      !GetOptional(r, &rec.final_url) || !r.U8(&ok) || !r.U8(&has_status) || !r.U32(&status) ||
      !r.U8(&unchanged) || !r.U32(&depth) || !GetOptional(r, &rec.parent) ||
      !GetOptional(r, &rec.content_type) || !r.U64(&rec.bytes) || !r.U64(&rec.elapsed_ms) ||
      !GetOptional(r, &rec.title) || !GetOptional(r, &rec.description) || !GetList(r, &rec.links) ||
      !r.U32(&n_fields) || n_fields > r.Left() / 8) {
    return std::nullopt;
  }
  for (std::uint32_t i = 0; i < n_fields; ++i) {
    std::string name;
    std::vector<std::string> values;
    if (!r.Str(&name) || !GetList(r, &values)) return std::nullopt;
    rec.fields.emplace(std::move(name), std::move(values));
  }
  if (!GetOptional(r, &rec.text) || !r.U8(&has_error)) return std::nullopt;
  if (has_error) {
    std::uint8_t kind;
    RecordError error;
    if (!r.U8(&kind) || !r.Str(&error.message)) return std::nullopt;
    error.kind = static_cast<ErrorKind>(kind);
    rec.error = std::move(error);
  }
  if (!r.U8(&has_fetched) || !r.U64(&fetched) || !GetList(r, &rec.truncated) ||
      (version >= 2 && !GetOptional(r, &rec.sha256))) {
    return std::nullopt;
  }
  std::uint8_t noindex = 0;
  if ((version >= 3 && (!r.U8(&noindex) || !GetOptional(r, &rec.canonical))) || !r.AtEnd()) {
    return std::nullopt;
  }
  rec.noindex = noindex != 0;
  rec.ok = ok != 0;
  if (has_status) rec.status = static_cast<int>(status);
  rec.unchanged = unchanged != 0;
  rec.depth = static_cast<int>(depth);
  if (has_fetched) rec.fetched_at_ms = static_cast<std::int64_t>(fetched);
  return rec;
}

}  // namespace forage
