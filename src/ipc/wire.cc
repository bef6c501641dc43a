#include "ipc/wire.h"

#include <algorithm>
#include <cstring>

#include "core/utf8.h"
#include "ipc/byte_codec.h"

namespace forage::wire {
namespace {

// A frame: the header, filled in by Finish, then the payload.
class Writer {
 public:
  explicit Writer(MessageType type) {
    w_.bytes().resize(kFrameHeaderBytes);
    U8(static_cast<std::uint8_t>(type));
  }
  void U8(std::uint8_t v) { w_.U8(v); }
  void U32(std::uint32_t v) { w_.U32(v); }
  void U64(std::uint64_t v) { w_.U64(v); }
  void Str(std::string_view s) { w_.Str(s); }
  std::string Finish() && {
    std::string out = std::move(w_).Take();
    auto n = static_cast<std::uint32_t>(out.size() - kFrameHeaderBytes);
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out;
  }

 private:
  ByteWriter w_;
};

using Reader = ByteReader;

bool ExpectType(Reader& r, MessageType type) {
  std::uint8_t t;
  return r.U8(&t) && t == static_cast<std::uint8_t>(type);
}

}  // namespace

std::string EncodeJob(const FetchJob& job) {
  Writer w(MessageType::kJob);
  w.U64(job.id);
  w.U8(static_cast<std::uint8_t>(job.kind));
  w.U8(static_cast<std::uint8_t>((job.report_sent ? 1 : 0) | (job.trusted ? 2 : 0)));
  w.Str(job.url);
  w.Str(job.if_none_match);
  w.Str(job.if_modified_since);
  w.Str(job.cookie);
  return std::move(w).Finish();
}

std::string EncodeResult(const FetchResult& r) {
  // Room for the parts that are never cut (bounded by curl and the job's
  // URL), and for the longest list of what was cut.
  std::size_t fixed = 1 + 8 + 1 + 4 + r.error_message.size() + 4 + 4 + r.final_url.size() + 4 +
                      r.content_type.size() + 8 + 8 + 8 + 1 + 4 + 4 + 4 + 4 +
                      r.redirect_url.size() + 8 + 4 + 4 + 1 + 4 + 4 + r.etag.size() + 4 +
                      r.last_modified.size() + 4 + 4 + 4 + 4 + r.saved.size() + 4 +
                      r.sha256.size() + 4 + 8 + 8 + 4 + r.warc_error.size() + 1 + 4 +
                      8 * r.lastmods.size() + 1 + 4 + r.canonical.size();
  // Response headers: bounded by the fetcher (kMaxHeaderBytes a list).
  for (const std::string& v : r.set_cookies) fixed += 4 + v.size();
  for (const auto& [name, value] : r.headers) fixed += 8 + name.size() + value.size();
  std::size_t names = 0;
  for (const auto& [name, values] : r.fields) {
    fixed += 4 + name.size() + 4;
    names += 4 + 7 + name.size();  // "fields.NAME"
  }
  for (const std::string& name : r.truncated) names += 4 + name.size();
  fixed += names + 4 * (4 + 11);  // "title", "description", "links", "text"
  std::size_t budget = kMaxFrameBytes > fixed ? kMaxFrameBytes - fixed : 0;
  std::vector<std::string> cut;
  auto named = [&](std::string_view part) {
    return std::find(r.truncated.begin(), r.truncated.end(), part) != r.truncated.end();
  };
  // A string part: what fits, cut on a UTF-8 boundary.
  auto take = [&](const std::string& s, std::string_view part) {
    const std::size_t n = Utf8CutLength(s, budget);
    budget -= n;
    if (n < s.size() || named(part)) cut.emplace_back(part);
    return std::string_view(s).substr(0, n);
  };
  // Lists: whole items while they fit.
  auto count = [&](const std::vector<std::string>& items, std::string_view part) {
    std::uint32_t n = 0;
    for (const std::string& item : items) {
      if (item.size() + 4 > budget) break;
      budget -= item.size() + 4;
      ++n;
    }
    if (n < items.size() || named(part)) cut.emplace_back(part);
    return n;
  };

  Writer w(MessageType::kResult);
  w.U64(r.id);
  w.U8(static_cast<std::uint8_t>(r.error));
  w.Str(r.error_message);
  w.U32(static_cast<std::uint32_t>(r.status));
  w.Str(r.final_url);
  w.Str(r.content_type);
  w.U64(r.bytes);
  w.U64(r.elapsed_ms);
  w.U64(static_cast<std::uint64_t>(r.fetched_at_ms));
  // A kept page body is never cut: whole, or (past kMaxBodyBytes, which
  // ValidateOptions rules out) not at all.
  const bool page_body = r.page_body && r.body.size() <= kMaxBodyBytes;
  w.U8(static_cast<std::uint8_t>((r.title ? 1 : 0) | (r.description ? 2 : 0) |
                                 (page_body ? 4 : 0)));
  w.Str(r.title ? take(*r.title, "title") : "");
  w.Str(r.description ? take(*r.description, "description") : "");
  const std::uint32_t links = count(r.links, "links");
  w.U32(links);
  for (std::uint32_t i = 0; i < links; ++i) w.Str(r.links[i]);
  w.Str(r.redirect_url);
  w.U64(static_cast<std::uint64_t>(r.retry_after_s));
  if (r.page_body) {
    w.Str(page_body ? std::string_view(r.body) : std::string_view());
  } else {
    // A robots.txt body (at most 500 KiB) comes with no page data.
    const std::size_t body = std::min(r.body.size(), budget);
    budget -= body;
    w.Str(std::string_view(r.body).substr(0, body));
  }
  w.U32(static_cast<std::uint32_t>(r.fields.size()));
  for (const auto& [name, values] : r.fields) {
    w.Str(name);
    const std::uint32_t kept = count(values, "fields." + name);
    w.U32(kept);
    for (std::uint32_t i = 0; i < kept; ++i) w.Str(values[i]);
  }
  w.U8(r.text ? 1 : 0);
  w.Str(r.text ? take(*r.text, "text") : "");
  w.Str(r.etag);
  w.Str(r.last_modified);
  // Names the extraction gave that no part above has (none today) go last.
  for (const std::string& name : r.truncated) {
    if (std::find(cut.begin(), cut.end(), name) == cut.end()) cut.push_back(name);
  }
  w.U32(static_cast<std::uint32_t>(cut.size()));
  for (const std::string& name : cut) w.Str(name);
  w.U32(static_cast<std::uint32_t>(r.set_cookies.size()));
  for (const std::string& v : r.set_cookies) w.Str(v);
  w.U32(static_cast<std::uint32_t>(r.headers.size()));
  for (const auto& [name, value] : r.headers) {
    w.Str(name);
    w.Str(value);
  }
  w.Str(r.sha256);
  w.U32(r.warc.serial);
  w.U64(r.warc.offset);
  w.U64(r.warc.length);
  w.Str(r.warc_error);
  w.Str(r.saved);
  w.U8(r.sitemap_kind);
  // One per link sent, or none.
  const std::uint32_t lastmods = r.lastmods.empty() ? 0 : links;
  w.U32(lastmods);
  for (std::uint32_t i = 0; i < lastmods; ++i) {
    w.U64(static_cast<std::uint64_t>(i < r.lastmods.size() ? r.lastmods[i] : kNoLastmod));
  }
  w.U8(r.noindex ? 1 : 0);
  w.Str(r.canonical);
  return std::move(w).Finish();
}

std::string EncodeWarcOpened(std::uint32_t serial) {
  Writer w(MessageType::kWarcOpened);
  w.U32(serial);
  return std::move(w).Finish();
}

std::optional<std::uint32_t> DecodeWarcOpened(std::string_view payload) {
  Reader r(payload);
  std::uint32_t serial = 0;
  if (!ExpectType(r, MessageType::kWarcOpened) || !r.U32(&serial) || !r.AtEnd()) {
    return std::nullopt;
  }
  return serial;
}

std::string EncodeSent(const RequestSent& sent) {
  Writer w(MessageType::kSent);
  w.U64(sent.id);
  w.U64(static_cast<std::uint64_t>(sent.sent_ns));
  return std::move(w).Finish();
}

std::optional<RequestSent> DecodeSent(std::string_view payload) {
  Reader r(payload);
  RequestSent out;
  std::uint64_t ns = 0;
  if (!ExpectType(r, MessageType::kSent) || !r.U64(&out.id) || !r.U64(&ns) || !r.AtEnd()) {
    return std::nullopt;
  }
  out.sent_ns = static_cast<std::int64_t>(ns);
  return out;
}

std::string EncodeReady() { return Writer(MessageType::kReady).Finish(); }

bool IsReady(std::string_view payload) {
  return payload.size() == 1 &&
         static_cast<std::uint8_t>(payload[0]) == static_cast<std::uint8_t>(MessageType::kReady);
}

std::string EncodeFetcherConfig(const FetchSettings& s, LogLevel log_level) {
  Writer w(MessageType::kFetcherConfig);
  w.U32(static_cast<std::uint32_t>(s.concurrency));
  w.U64(static_cast<std::uint64_t>(s.timeout.count()));
  w.U64(static_cast<std::uint64_t>(s.connect_timeout.count()));
  w.Str(s.user_agent);
  w.U64(s.max_bytes);
  w.U32(static_cast<std::uint32_t>(s.resolve.size()));
  for (const std::string& entry : s.resolve) w.Str(entry);
  w.U32(static_cast<std::uint32_t>(s.extract.select.size()));
  for (const FieldRule& rule : s.extract.select) {
    w.Str(rule.name);
    w.Str(rule.css);
    w.Str(rule.attr);
  }
  w.U8(s.extract.text ? 1 : 0);
  w.U64(s.extract.max_text);
  w.U64(s.extract.max_links);
  w.U32(s.extract.follow);
  w.U8(static_cast<std::uint8_t>(log_level));
  w.U8(static_cast<std::uint8_t>((s.deny_private ? 1 : 0) | (s.allow_link_local ? 2 : 0)));
  w.U64(static_cast<std::uint64_t>(s.stall_timeout.count()));
  w.U64(s.fetcher_memory_mib);
  auto strings = [&w](const std::vector<std::string>& list) {
    w.U32(static_cast<std::uint32_t>(list.size()));
    for (const std::string& item : list) w.Str(item);
  };
  auto credentials = [&w](const Credentials& c) {
    w.Str(c.user);
    w.U8(static_cast<std::uint8_t>(c.auth));
    w.Str(c.bearer);
    w.Str(c.cookie);
  };
  strings(s.headers);
  credentials(s.credentials);
  w.Str(s.netrc_file);
  w.Str(s.proxy.http);
  w.Str(s.proxy.https);
  w.Str(s.proxy.noproxy);
  w.U8(s.proxy.from_environment ? 1 : 0);
  w.Str(s.tls.cacert);
  w.Str(s.tls.capath);
  w.U8(s.tls.insecure ? 1 : 0);
  w.Str(s.tls.client_cert);
  w.Str(s.tls.client_key);
  w.U32(static_cast<std::uint32_t>(s.hosts.size()));
  for (const HostSettings& h : s.hosts) {
    w.Str(h.pattern);
    strings(h.headers);
    w.U8(h.user_agent ? 1 : 0);
    w.Str(h.user_agent ? *h.user_agent : "");
    credentials(h.credentials);
    w.U64(static_cast<std::uint64_t>(h.timeout ? h.timeout->count() : -1));
    w.U32(static_cast<std::uint32_t>(h.per_host ? *h.per_host : -1));
    w.U64(static_cast<std::uint64_t>(h.delay ? h.delay->count() : -1));
  }
  w.U8(static_cast<std::uint8_t>((s.cookies ? 1 : 0) | (s.keep_headers ? 2 : 0) |
                                 (s.keep_body ? 4 : 0)));
  strings(s.accept_types);
  w.Str(s.warc.path);
  w.U64(s.warc.max_size);
  w.Str(s.warc.info);
  w.U8(s.warc.cdx ? 1 : 0);
  w.Str(s.save_dir);
  w.U8(static_cast<std::uint8_t>((s.extract.ignore_nofollow ? 1 : 0) |
                                 (s.extract.full_parse ? 2 : 0)));
  std::string frame = std::move(w).Finish();
  return frame.substr(kFrameHeaderBytes);
}

std::optional<FetchSettings> DecodeFetcherConfig(std::string_view payload, LogLevel* log_level) {
  Reader r(payload);
  FetchSettings s;
  std::uint32_t concurrency = 0, n = 0;
  std::uint64_t timeout = 0, connect_timeout = 0;
  if (!ExpectType(r, MessageType::kFetcherConfig) || !r.U32(&concurrency) || !r.U64(&timeout) ||
      !r.U64(&connect_timeout) || !r.Str(&s.user_agent) || !r.U64(&s.max_bytes) || !r.U32(&n) ||
      n > r.Left() / 4) {
    return std::nullopt;
  }
  s.resolve.resize(n);
  for (std::string& entry : s.resolve) {
    if (!r.Str(&entry)) return std::nullopt;
  }
  if (!r.U32(&n) || n > r.Left() / 12) return std::nullopt;
  s.extract.select.resize(n);
  for (FieldRule& rule : s.extract.select) {
    if (!r.Str(&rule.name) || !r.Str(&rule.css) || !r.Str(&rule.attr)) return std::nullopt;
  }
  std::uint8_t text = 0, level = 0, guard = 0;
  std::uint64_t max_text = 0, max_links = 0, stall = 0;
  if (!r.U8(&text) || !r.U64(&max_text) || !r.U64(&max_links) || !r.U32(&s.extract.follow) ||
      (s.extract.follow & ~std::uint32_t{kFollowAll}) != 0 || !r.U8(&level) ||
      level > static_cast<std::uint8_t>(LogLevel::kOff) || !r.U8(&guard) || guard > 3 ||
      !r.U64(&stall) || !r.U64(&s.fetcher_memory_mib)) {
    return std::nullopt;
  }
  auto strings = [&r](std::vector<std::string>* list) {
    std::uint32_t count;
    if (!r.U32(&count) || count > r.Left() / 4) return false;
    list->resize(count);
    for (std::string& item : *list) {
      if (!r.Str(&item)) return false;
    }
    return true;
  };
  auto credentials = [&r](Credentials* c) {
    std::uint8_t auth;
    if (!r.Str(&c->user) || !r.U8(&auth) || auth > 2 || !r.Str(&c->bearer) || !r.Str(&c->cookie)) {
      return false;
    }
    c->auth = static_cast<HttpAuth>(auth);
    return true;
  };
  // An optional duration or count: all ones is "not set".
  auto duration = [&r](std::optional<std::chrono::milliseconds>* out) {
    std::uint64_t v;
    if (!r.U64(&v)) return false;
    if (v != ~std::uint64_t{0}) out->emplace(static_cast<std::int64_t>(v));
    return true;
  };
  std::uint8_t from_env, insecure, flags;
  if (!strings(&s.headers) || !credentials(&s.credentials) || !r.Str(&s.netrc_file) ||
      !r.Str(&s.proxy.http) || !r.Str(&s.proxy.https) || !r.Str(&s.proxy.noproxy) ||
      !r.U8(&from_env) || !r.Str(&s.tls.cacert) || !r.Str(&s.tls.capath) || !r.U8(&insecure) ||
      !r.Str(&s.tls.client_cert) || !r.Str(&s.tls.client_key) || !r.U32(&n) ||
      n > r.Left() / 32) {
    return std::nullopt;
  }
  s.hosts.resize(n);
  for (HostSettings& h : s.hosts) {
    std::uint8_t has_agent;
    std::string agent;
    std::uint32_t per_host;
    if (!r.Str(&h.pattern) || !strings(&h.headers) || !r.U8(&has_agent) || !r.Str(&agent) ||
        !credentials(&h.credentials) || !duration(&h.timeout) || !r.U32(&per_host) ||
        !duration(&h.delay)) {
      return std::nullopt;
    }
    if (has_agent) h.user_agent = std::move(agent);
    if (per_host != ~std::uint32_t{0}) h.per_host = static_cast<int>(per_host);
  }
  std::uint8_t cdx = 0, extract_flags = 0;
  if (!r.U8(&flags) || flags > 7 || !strings(&s.accept_types) || !r.Str(&s.warc.path) ||
      !r.U64(&s.warc.max_size) || !r.Str(&s.warc.info) || !r.U8(&cdx) || cdx > 1 ||
      !r.Str(&s.save_dir) || !r.U8(&extract_flags) || extract_flags > 3 || !r.AtEnd()) {
    return std::nullopt;
  }
  s.extract.ignore_nofollow = (extract_flags & 1) != 0;
  s.extract.full_parse = (extract_flags & 2) != 0;
  s.warc.cdx = cdx != 0;
  s.proxy.from_environment = from_env != 0;
  s.tls.insecure = insecure != 0;
  s.cookies = (flags & 1) != 0;
  s.keep_headers = (flags & 2) != 0;
  s.keep_body = (flags & 4) != 0;
  s.concurrency = static_cast<int>(concurrency);
  s.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout));
  s.connect_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(connect_timeout));
  s.deny_private = (guard & 1) != 0;
  s.allow_link_local = (guard & 2) != 0;
  s.stall_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(stall));
  s.extract.text = text != 0;
  s.extract.max_text = static_cast<std::size_t>(max_text);
  s.extract.max_links = static_cast<std::size_t>(max_links);
  if (log_level) *log_level = static_cast<LogLevel>(level);
  return s;
}

std::optional<FetchJob> DecodeJob(std::string_view payload) {
  Reader r(payload);
  FetchJob job;
  std::uint8_t kind, flags;
  if (!ExpectType(r, MessageType::kJob) || !r.U64(&job.id) || !r.U8(&kind) || kind > 2 ||
      !r.U8(&flags) || flags > 3 || !r.Str(&job.url) || !r.Str(&job.if_none_match) ||
      !r.Str(&job.if_modified_since) || !r.Str(&job.cookie) || !r.AtEnd()) {
    return std::nullopt;
  }
  job.kind = static_cast<JobKind>(kind);
  job.report_sent = (flags & 1) != 0;
  job.trusted = (flags & 2) != 0;
  return job;
}

std::optional<FetchResult> DecodeResult(std::string_view payload) {
  Reader r(payload);
  FetchResult out;
  std::uint8_t kind, flags;
  std::uint32_t status, count;
  std::uint64_t fetched_at;
  std::string title, description;
  if (!ExpectType(r, MessageType::kResult) || !r.U64(&out.id) || !r.U8(&kind) ||
      !r.Str(&out.error_message) || !r.U32(&status) || !r.Str(&out.final_url) ||
      !r.Str(&out.content_type) || !r.U64(&out.bytes) || !r.U64(&out.elapsed_ms) ||
      !r.U64(&fetched_at) || !r.U8(&flags) || !r.Str(&title) || !r.Str(&description) ||
      !r.U32(&count)) {
    return std::nullopt;
  }
  std::optional<ErrorKind> error = ErrorKindFromNumber(kind);
  if (!error || count > r.Left() / 4) return std::nullopt;
  out.error = *error;
  out.status = static_cast<int>(status);
  out.fetched_at_ms = static_cast<std::int64_t>(fetched_at);
  if (flags > 7) return std::nullopt;
  if (flags & 1) out.title = std::move(title);
  if (flags & 2) out.description = std::move(description);
  out.page_body = (flags & 4) != 0;
  out.links.resize(count);
  for (std::string& link : out.links) {
    if (!r.Str(&link)) return std::nullopt;
  }
  std::uint64_t retry_after;
  std::uint32_t fields;
  if (!r.Str(&out.redirect_url) || !r.U64(&retry_after) || !r.Str(&out.body) || !r.U32(&fields) ||
      fields > r.Left() / 8) {
    return std::nullopt;
  }
  out.fields.resize(fields);
  for (auto& [name, values] : out.fields) {
    std::uint32_t n;
    if (!r.Str(&name) || !r.U32(&n) || n > r.Left() / 4) return std::nullopt;
    values.resize(n);
    for (std::string& v : values) {
      if (!r.Str(&v)) return std::nullopt;
    }
  }
  std::uint8_t has_text;
  std::string text;
  std::uint32_t cut;
  if (!r.U8(&has_text) || !r.Str(&text) || !r.Str(&out.etag) || !r.Str(&out.last_modified) ||
      !r.U32(&cut) || cut > r.Left() / 4) {
    return std::nullopt;
  }
  out.truncated.resize(cut);
  for (std::string& name : out.truncated) {
    if (!r.Str(&name)) return std::nullopt;
  }
  std::uint32_t n;
  if (!r.U32(&n) || n > r.Left() / 4) return std::nullopt;
  out.set_cookies.resize(n);
  for (std::string& v : out.set_cookies) {
    if (!r.Str(&v)) return std::nullopt;
  }
  if (!r.U32(&n) || n > r.Left() / 8) return std::nullopt;
  out.headers.resize(n);
  for (auto& [name, value] : out.headers) {
    if (!r.Str(&name) || !r.Str(&value)) return std::nullopt;
  }
  if (!r.Str(&out.sha256) || !r.U32(&out.warc.serial) || !r.U64(&out.warc.offset) ||
      !r.U64(&out.warc.length) || !r.Str(&out.warc_error) || !r.Str(&out.saved) ||
      !r.U8(&out.sitemap_kind) || out.sitemap_kind > 3 || !r.U32(&n) ||
      (n != 0 && n != out.links.size()) || n > r.Left() / 8) {
    return std::nullopt;
  }
  out.lastmods.resize(n);
  for (std::int64_t& lastmod : out.lastmods) {
    std::uint64_t v;
    if (!r.U64(&v)) return std::nullopt;
    lastmod = static_cast<std::int64_t>(v);
  }
  std::uint8_t noindex;
  if (!r.U8(&noindex) || noindex > 1 || !r.Str(&out.canonical) || !r.AtEnd()) return std::nullopt;
  out.noindex = noindex != 0;
  if (has_text) out.text = std::move(text);
  out.retry_after_s = static_cast<std::int64_t>(retry_after);
  return out;
}

}  // namespace forage::wire
