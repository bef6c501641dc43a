// The shared frontier: every decision about the crawl's common state is a
// Lua script (crawl/redis_lua/, run atomically in Redis); what a node can
// decide alone (depth, scope, patterns, the filter, robots.txt rules it has
// read) it decides before asking. Admissions are batched: a page's links,
// and input lines, travel in one script call.

#include "crawl/redis_frontier.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <unordered_set>
#include <utility>

#include "core/log.h"
#include "core/url.h"
#include "core/utf8.h"
#include "crawl/redis_scripts.h"
#include "crawl/shared_codec.h"

namespace forage {
namespace {

using Clock = std::chrono::steady_clock;

// Input lines admitted in one call, at most.
constexpr std::size_t kListedBatch = 256;
// How often an idle node asks for work when nothing is timed sooner: other
// nodes' admissions can make work claimable at any moment.
constexpr auto kIdlePoll = std::chrono::milliseconds(100);
// Claims taken in one call, at most.
constexpr std::size_t kClaimBatch = 64;
// Slots of the cache of fingerprints known to be admitted (8 bytes each).
constexpr std::size_t kSeenCacheSlots = std::size_t{1} << 18;

std::string Text(const redis::Reply& r) {
  if (r.type == redis::Reply::Type::kInteger) return std::to_string(r.integer);
  return r.str;
}

std::int64_t Number(const redis::Reply& r) {
  if (r.type == redis::Reply::Type::kInteger) return r.integer;
  return std::strtoll(r.str.c_str(), nullptr, 10);
}

std::string DefaultNodeId() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "node");
  std::string id;
  for (char* p = host; *p; ++p) {
    const char c = *p;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    id += ok ? c : '_';
  }
  return id.substr(0, 80) + "-" + std::to_string(::getpid());
}

std::string NewIncarnation() {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x-%d", rd(), rd(), static_cast<int>(::getpid()));
  return buf;
}

std::string Millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()); }

// The settings every node of a crawl must share, by their flags.
std::vector<std::pair<std::string, std::string>> SharedSettings(const CrawlOptions& o) {
  auto list = [](const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : "\n") + s;
    return out;
  };
  const char* scope = o.scope == ScopeMode::kHost     ? "host"
                      : o.scope == ScopeMode::kDomain ? "domain"
                                                      : "any";
  return {{"per_host", std::to_string(o.per_host)},
          {"delay_ms", Millis(o.delay)},
          {"depth", std::to_string(o.depth)},
          {"scope", scope},
          {"include", list(o.include)},
          {"exclude", list(o.exclude)},
          {"strip_query", list(StripPatterns(o.strip_query, o.strip_query_default))},
          {"max_pages", std::to_string(o.max_pages)},
          {"robots", o.robots ? "1" : "0"},
          {"user_agent", o.fetch.user_agent}};
}

// How a stored setting is shown: as its flag, and its value as given.
std::string SettingFlag(const std::string& field) {
  if (field == "delay_ms") return "--delay (ms)";
  if (field == "robots") return "--no-robots (robots obeyed: 1)";
  if (field == "strip_query") return "--strip-query (with --strip-query-default's)";
  std::string flag = "--" + field;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

}  // namespace

// A URL on its way to admit.lua.
struct RedisFrontier::Pending {
  Job job;
  SeenKey key;
  std::string host;
  std::string origin;                // "" when no robots.txt needs fetching for it
  std::optional<RecordError> ended;  // ends at once (leased, not queued)
  InputLine line;                    // listed URLs: for the messages
};

RedisFrontier::RedisFrontier(const CrawlOptions& o, AdmitFilter filter, ScopeFilter scope,
                             QueryFilter strip, bool reads_input)
    : crawl_(o.crawl_id),
      prefix_("forage:{" + o.crawl_id + "}:"),
      node_(o.node_id.empty() ? DefaultNodeId() : o.node_id),
      incarnation_(NewIncarnation()),
      ttl_(o.lease_ttl),
      io_timeout_(std::clamp(o.lease_ttl / 3, std::chrono::milliseconds(500),
                             std::chrono::milliseconds(5000))),
      settings_(SharedSettings(o)),
      depth_(o.depth),
      max_pages_(o.max_pages),
      obey_robots_(o.robots),
      user_agent_(o.fetch.user_agent),
      filter_(std::move(filter)),
      scope_(std::move(scope)),
      strip_(std::move(strip)),
      reads_input_(reads_input),
      seen_cache_(kSeenCacheSlots, 0) {}

RedisFrontier::~RedisFrontier() = default;

Result<std::unique_ptr<RedisFrontier>> RedisFrontier::Create(const CrawlOptions& options,
                                                             AdmitFilter filter, bool reads_input) {
  auto address = redis::ParseAddress(options.frontier);
  if (!address.ok()) return address.status().Prefixed("--frontier");
  auto scope = ScopeFilter::Create(options.scope, options.include, options.exclude);
  if (!scope.ok()) return scope.status();
  // Links to images, scripts and style sheets are what --follow media,
  // script and style ask for.
  scope.value().FollowBinary((options.fetch.extract.follow &
                              (kFollowMedia | kFollowScripts | kFollowStyles)) != 0);
  auto strip = QueryFilter::Create(options.strip_query, options.strip_query_default);
  if (!strip.ok()) return strip.status();
  std::unique_ptr<RedisFrontier> f(new RedisFrontier(
      options, std::move(filter), std::move(scope).value(), std::move(strip).value(), reads_input));
  f->address_ = std::move(address).value();
  if (Status st = f->Join(); !st.ok()) return st;
  return f;
}

// Connects, checks that Redis keeps what it is given, and registers.
Status RedisFrontier::Join() {
  auto conn = redis::Connection::Open(address_, io_timeout_);
  if (!conn.ok()) {
    // The address given is the user's to fix (exit status 2).
    return Status::InvalidArgument("--frontier: cannot reach Redis: " + conn.status().message());
  }
  conn_ = std::move(conn).value();
  // A Redis that evicts keys under memory pressure would drop seen URLs,
  // queues and leases: pages lost or fetched twice. volatile-* policies
  // evict only keys with a TTL, and the crawl sets none.
  std::string policy;
  if (auto r = conn_->Command({"CONFIG", "GET", "maxmemory-policy"});
      r.ok() && r.value().elements.size() == 2) {
    policy = r.value().elements[1].str;
  } else if (auto info = conn_->Command({"INFO", "memory"}); info.ok()) {
    const std::string& text = info.value().str;
    const std::size_t at = text.find("maxmemory_policy:");
    if (at != std::string::npos) {
      const std::size_t start = at + 17;
      policy = text.substr(start, text.find_first_of("\r\n", start) - start);
    }
  }
  if (policy.rfind("allkeys-", 0) == 0) {
    return Status::InvalidArgument(
        "--frontier: Redis at " + address_.display + " has maxmemory-policy " + policy +
        ", which may evict the crawl's keys (seen URLs, queues, leases) and lose pages; "
        "set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction)");
  }
  const Clock::time_point give_up = Clock::now() + ttl_ + std::chrono::seconds(1);
  for (;;) {
    std::vector<std::string> args = {node_, incarnation_, Millis(ttl_), reads_input_ ? "1" : "0"};
    for (const auto& [field, value] : settings_) {
      args.push_back(field);
      args.push_back(value);
    }
    std::vector<std::string_view> views(args.begin(), args.end());
    Result<redis::Reply> reply = scripts_.register_.Run(*conn_, {prefix_}, views);
    if (!reply.ok()) return reply.status().Prefixed("--frontier");
    const redis::Reply& r = reply.value();
    if (r.error()) return Status::IOError("--frontier: Redis refused to run a script: " + r.str);
    const std::string status = r.elements.empty() ? "" : r.elements[0].str;
    if (status == "conflict") {
      std::string message = "--frontier: this node's settings differ from crawl " + crawl_ +
                            "'s (stored by its first node):";
      for (std::size_t i = 1; i + 2 < r.elements.size(); i += 3) {
        message += " " + SettingFlag(r.elements[i].str) + " is \"" + r.elements[i + 1].str +
                   "\" there, \"" + r.elements[i + 2].str + "\" here;";
      }
      message.back() = '.';
      return Status::InvalidArgument(message);
    }
    if (status == "busy") {
      if (Clock::now() >= give_up) {
        return Status::Busy("--frontier: node id " + node_ +
                            " is in use by a live node of this crawl (its heartbeat goes on); "
                            "give this node another --node-id");
      }
      const auto wait = std::chrono::milliseconds(
          std::clamp<long long>(r.elements.size() > 1 ? Number(r.elements[1]) : 100, 10, 1000));
      LogInfo("node id " + node_ +
              " was held by a run that stopped beating; waiting for its lease to lapse");
      std::this_thread::sleep_for(wait);
      continue;
    }
    std::size_t extra = 0;
    if (!Answer(reply, &extra) || r.elements.size() < extra + 3) {
      return status_.ok() ? Status::Corrupt("--frontier: an unexpected answer from Redis")
                          : status_;
    }
    epoch_ = r.elements[extra].str;
    mark_ = r.elements[extra + 1].str;
    mark_id_ = r.elements[extra + 2].str;
    committed_id_ = written_id_ = mark_id_;
    next_beat_ = Clock::now() + ttl_ / 3;
    LogInfo("joined crawl " + crawl_ + " at " + address_.display + " as node " + node_);
    return Status();
  }
}

// --- Talking to Redis ------------------------------------------------------

Result<redis::Reply> RedisFrontier::Run(redis::Script& script,
                                        const std::vector<std::string_view>& args) {
  if (!conn_) return Status::IOError("not connected");
  Result<redis::Reply> reply = script.Run(*conn_, {prefix_}, args);
  if (!reply.ok()) {
    Lost(reply.status());
  } else if (reply.value().error()) {
    // A script that fails is a bug or a Redis that refuses scripts: the
    // crawl cannot go on from this node.
    Fail(
        Status::IOError("Redis at " + address_.display + " failed a script: " + reply.value().str));
  }
  return reply;
}

// Takes in what every answer ends with (see answer() in common.lua) and
// says whether the script did its work ('ok'). `first_extra`: where the
// script's own values start.
bool RedisFrontier::Answer(const Result<redis::Reply>& reply, std::size_t* first_extra) {
  if (!reply.ok() || reply.value().error()) return false;
  const std::vector<redis::Reply>& e = reply.value().elements;
  const std::string status = e.empty() ? "" : e[0].str;
  if (status == "gone") {
    Fail(Status::NotFound("crawl " + crawl_ + " is gone from Redis at " + address_.display +
                          " (its keys were deleted, or Redis restarted without them)"));
    return false;
  }
  if (status == "taken") {
    Fail(Status::Busy("another run took over node id " + node_ +
                      " while this one was held up past --lease-ttl; stopping"));
    return false;
  }
  if (status == "dead") {
    // This node's heartbeat lapsed and its leases went to others: beat
    // again to rejoin; what it still holds will be fenced.
    next_beat_ = Clock::now();
    poke_ = true;
    return false;
  }
  if (status != "ok") return false;
  if (e.size() >= 6) {
    admitted_ = static_cast<std::uint64_t>(Number(e[1]));
    done_ = static_cast<std::uint64_t>(Number(e[2]));
    other_readers_ = static_cast<std::uint64_t>(Number(e[3]));
    seeded_ = Number(e[4]) != 0;
    wake_ms_ = Number(e[5]);
    if (max_pages_ > 0 && admitted_ >= max_pages_) at_limit_ = true;
    if (first_extra) *first_extra = 6;
  } else if (first_extra) {
    *first_extra = 1;
  }
  return true;
}

void RedisFrontier::Fail(Status st) {
  if (status_.ok()) status_ = std::move(st);
}

// The connection broke: no new work until it is back (Reconnect). The jobs
// this node holds go on; their ends cannot be recorded meanwhile and are
// given back once Redis is reachable, or lapse with this node's heartbeat.
void RedisFrontier::Lost(const Status& why) {
  conn_.reset();
  if (lost_since_) return;
  lost_since_ = Clock::now();
  next_reconnect_ = *lost_since_;
  char ttl[32];
  std::snprintf(ttl, sizeof ttl, "%g", static_cast<double>(ttl_.count()) / 1000.0);
  LogWarn("lost the connection to Redis at " + address_.display + " (" + why.message() +
          "); taking no work, and trying again for up to --lease-ttl (" + ttl + " s)");
}

void RedisFrontier::Reconnect(TimePoint now) {
  if (now < next_reconnect_) return;
  if (now - *lost_since_ > ttl_) {
    return Fail(Status::IOError("lost the connection to Redis at " + address_.display +
                                " and could not get it back within --lease-ttl"));
  }
  next_reconnect_ = now + std::chrono::milliseconds(250);
  // A short try (the master's loop waits for it), and so are the commands
  // that follow: a Redis that stops answering again is found out soon.
  auto conn =
      redis::Connection::Open(address_, std::min(io_timeout_, std::chrono::milliseconds(1000)));
  if (!conn.ok()) return;
  conn_ = std::move(conn).value();
  auto epoch = conn_->Command({"HGET", prefix_ + "conf", "epoch"});
  if (!epoch.ok()) return Lost(epoch.status());
  if (epoch.value().str != epoch_) {
    return Fail(Status::NotFound("crawl " + crawl_ + " is gone from Redis at " + address_.display +
                                 " (it restarted without its data, or the crawl was deleted)"));
  }
  lost_since_.reset();
  replay_due_ = true;  // records whose commit's reply was lost
  LogInfo("the connection to Redis at " + address_.display + " is back");
  Beat(now);
  // Jobs that ended while Redis was away go back to the head of their
  // queues as they were claimed (the lease's own entry: ""), if their
  // leases are still this node's.
  for (const std::string& token : abandoned_) {
    if (!conn_) return;
    Answer(Run(scripts_.release, {node_, token, "head", "1", ""}));
  }
  abandoned_.clear();
  poke_ = true;
}

void RedisFrontier::Beat(TimePoint now) {
  next_beat_ = now + ttl_ / 3;
  const std::string ttl = Millis(ttl_);
  auto reply = Run(scripts_.beat, {node_, incarnation_, ttl, reads_input_ ? "1" : "0"});
  std::size_t extra = 0;
  if (!Answer(reply, &extra)) return;
  const auto& e = reply.value().elements;
  if (extra < e.size() && Number(e[extra]) == 1) {
    LogWarn("this node's heartbeat lapsed (it was held up longer than --lease-ttl), so its " +
            std::to_string(held_) + " URL(s) in flight went to other nodes; it goes on");
    // Claims not handed out yet are dropped here, and no Commit or Release
    // will count them off: held_ keeps only the jobs the master holds, each
    // of which still ends (fenced) through one of those.
    held_ -= std::min(held_, claimed_.size());
    claimed_.clear();
  }
}

// --- Upkeep ------------------------------------------------------------------

void RedisFrontier::Refill(Ended* ended) {
  if (!status_.ok()) return;
  const TimePoint now = Clock::now();
  if (lost_since_) {
    Reconnect(now);
    if (lost_since_ || !status_.ok()) return;
  }
  if (now >= next_beat_) Beat(now);
  if (!listed_.empty()) FlushListed(ended);
  if (input_done_ && reads_input_ && listed_.empty() && conn_) {
    auto reply = Run(scripts_.input_done, {node_});
    if (Answer(reply)) reads_input_ = false;
  }
}

std::optional<Frontier::TimePoint> RedisFrontier::UpkeepDeadline() const {
  if (!status_.ok()) return std::nullopt;
  if (lost_since_) return next_reconnect_;
  return next_beat_;
}

// --- Admission ---------------------------------------------------------------

bool RedisFrontier::KnownSeen(std::uint64_t key) const {
  return seen_cache_[key & (kSeenCacheSlots - 1)] == key;
}

void RedisFrontier::RememberSeen(std::uint64_t key) {
  seen_cache_[key & (kSeenCacheSlots - 1)] = key;
}

std::shared_ptr<const std::string> RedisFrontier::Intern(std::string_view name) {
  auto [it, fresh] = interned_.try_emplace(std::string(name));
  if (fresh) it->second = std::make_shared<const std::string>(it->first);
  // Bounded: a crawl over millions of hosts must not keep every name.
  if (interned_.size() > 100'000) interned_.clear();
  return it->second;
}

// Input lines wait in a batch (Refill, ClaimNext and a full batch send it).
Admission RedisFrontier::AdmitListed(const InputLine& line, Ended* ended) {
  if (at_limit_) return Admission::kPageLimit;
  ListedUrl listed = CheckListedLine(line, strip_);
  CheckedUrl& checked = listed.checked;
  std::optional<CanonicalUrl>& canonical = listed.canonical;
  Pending p;
  p.key = SharedSeenKey(canonical ? canonical->url : "not a URL: " + line.text);
  p.job.input = MakeValidUtf8(line.text);
  p.job.where = line.where;
  p.line = line;
  if (checked.error) {
    p.ended = RecordError{checked.error->kind, checked.error->message + " (" + line.where + ")"};
  } else {
    if (checked.url != p.job.input) p.job.current_url = std::move(checked.url);
    p.job.scope_root = std::make_shared<const std::string>(scope_.RootOf(canonical->host()));
    p.host = std::string(canonical->host());
    if (obey_robots_) p.origin = std::string(canonical->origin());
  }
  listed_.push_back(std::move(p));
  if (listed_.size() >= kListedBatch) FlushListed(ended);
  return Admission::kQueued;
}

void RedisFrontier::FlushListed(Ended* ended) {
  std::vector<Pending> batch;
  batch.swap(listed_);
  Admit(batch, ended);
  // What could not be sent (Redis is away) is sent once it is back.
  if (!batch.empty() && listed_.empty()) listed_.swap(batch);
}

// What the crawl's script answers is not told apart here: a link it queued
// and one it had seen are both kQueued (each has a record of its own).
Admission RedisFrontier::AdmitLink(const LinkSource& from, const std::string& link, Ended* ended) {
  if (from.depth + 1 > depth_) return Admission::kTooDeep;
  if (at_limit_) return Admission::kPageLimit;
  std::optional<CanonicalUrl> url;
  std::optional<std::string> stripped;
  if (Admission refused = Screen(from, link, &url, &stripped); refused != Admission::kQueued) {
    return refused;
  }
  const std::size_t before = ended->size();
  AdmitLinks(from, {link}, ended);
  if (ended->size() > before) return Admission::kEnded;
  return at_limit_ ? Admission::kPageLimit : Admission::kQueued;
}

// The checks a node makes alone, as on one machine: kQueued when the link
// passes them (then *url is its canonical form).
Admission RedisFrontier::Screen(const LinkSource& from, const std::string& link,
                                std::optional<CanonicalUrl>* url,
                                std::optional<std::string>* stripped) const {
  if (link.size() > kMaxUrlBytes) return Admission::kNotHttp;
  *stripped = strip_.Strip(link);
  *url = Canonicalize(*stripped ? **stripped : link);
  if (!*url) return Admission::kNotHttp;
  if (scope_.SkipsAsBinary((*url)->url, (*url)->path_and_query())) return Admission::kBinary;
  if (!scope_.InScope(*from.scope_root, (*url)->host())) return Admission::kOutOfScope;
  if (!scope_.PassesPatterns((*url)->url)) return Admission::kPatterns;
  return Admission::kQueued;
}

// The checks a node makes alone come first, as on one machine; the seen set,
// --max-pages and the queues are the crawl's, in one script call.
void RedisFrontier::AdmitLinks(const LinkSource& from, const std::vector<std::string>& links,
                               Ended* ended) {
  if (from.depth + 1 > depth_ || at_limit_ || !status_.ok()) return;
  std::vector<Pending> batch;
  // Origins whose verdict the crawl does not have yet, asked once per call
  // rather than once per link (a page's links mostly share a few origins).
  std::unordered_set<std::string> unknown;
  for (const std::string& link : links) {
    std::optional<CanonicalUrl> url;
    std::optional<std::string> stripped;  // --strip-query
    if (Screen(from, link, &url, &stripped) != Admission::kQueued) continue;
    Pending p;
    p.key = SharedSeenKey(url->url);
    if (KnownSeen(p.key.Mixed())) continue;
    if (filter_ && !filter_(link, from.depth + 1)) continue;
    p.job.input = link;
    if (stripped) p.job.current_url = std::move(*stripped);
    p.job.depth = from.depth + 1;
    p.job.parent = from.url;
    p.job.scope_root = from.scope_root;
    p.host = std::string(url->host());
    if (obey_robots_) {
      p.origin = std::string(url->origin());
      const Robots* known = unknown.count(p.origin) ? nullptr : RobotsOf(p.origin);
      if (known) {
        if (!known->rules.IsAllowed(url->path_and_query())) {
          p.ended = RecordError{known->denial, known->message};
        }
        p.origin.clear();  // fetched already
      } else {
        unknown.insert(p.origin);
      }
    }
    batch.push_back(std::move(p));
  }
  Admit(batch, ended);
}

// Sends `pending` to admit.lua; on success it is emptied. URLs that end at
// once come back leased, in `ended`.
void RedisFrontier::Admit(std::vector<Pending>& pending, Ended* ended) {
  if (pending.empty() || !conn_ || !status_.ok()) return;
  std::vector<std::string> args;
  args.reserve(2 + pending.size() * 7);
  args.push_back(node_);
  args.push_back(incarnation_);
  for (Pending& p : pending) {
    args.push_back(p.key.BucketText());
    args.push_back(p.key.FingerprintText());
    args.push_back(p.host);
    args.push_back(EncodeJobEntry(p.job, p.ended ? &*p.ended : nullptr));
    args.push_back(p.origin);
    if (p.origin.empty()) {
      args.emplace_back();
    } else {
      Job robots;
      robots.input = p.origin + "/robots.txt";
      robots.robots = true;
      args.push_back(EncodeJobEntry(robots));
    }
    args.push_back(p.ended ? "1" : "0");
  }
  std::vector<std::string_view> views(args.begin(), args.end());
  auto reply = Run(scripts_.admit, views);
  std::size_t extra = 0;
  if (!Answer(reply, &extra)) return;
  const auto& e = reply.value().elements;
  poke_ = true;
  for (std::size_t i = 0; i < pending.size() && extra + i < e.size(); ++i) {
    Pending& p = pending[i];
    const std::string answer = Text(e[extra + i]);
    if (answer == "L") {
      at_limit_ = true;
      continue;
    }
    RememberSeen(p.key.Mixed());
    if (answer == "S") {
      if (!p.line.where.empty()) {
        LogDebug(p.line.where + ": " + p.line.text + " is listed again; skipped");
      }
      continue;
    }
    if (answer == "Q") continue;
    // Leased to this node: it ends here.
    ++held_;
    p.job.lease = static_cast<std::uint64_t>(std::strtoull(answer.c_str(), nullptr, 10));
    p.job.claimed = true;
    if (!p.line.where.empty()) {
      LogWarn(p.line.where + ": " + std::string(ErrorKindName(p.ended->kind)) + ": " + p.line.text);
    }
    ended->push_back({std::move(p.job), std::move(*p.ended)});
  }
  pending.clear();
}

// --- Claims -------------------------------------------------------------------

std::optional<Claim> RedisFrontier::ClaimNext(TimePoint now, std::size_t room, Ended* ended) {
  if (!listed_.empty()) FlushListed(ended);
  if (std::optional<Claim> c = TakeClaim(ended)) return c;
  if (!conn_ || !status_.ok() || room == 0) return std::nullopt;
  if (!poke_ && now < next_poll_) return std::nullopt;
  poke_ = false;
  const std::string want = std::to_string(std::min(room, kClaimBatch));
  auto reply = Run(scripts_.claim, {node_, want, incarnation_});
  std::size_t extra = 0;
  if (!Answer(reply, &extra)) return std::nullopt;
  const auto& e = reply.value().elements;
  std::size_t got = 0;
  for (std::size_t i = extra; i + 2 < e.size(); i += 3) {
    ++held_;
    ++got;
    std::optional<DecodedEntry> entry = DecodeJobEntry(e[i + 1].str);
    if (!entry) {
      Fail(Status::Corrupt("a job in crawl " + prefix_ + " cannot be read (lease " + Text(e[i]) +
                           ")"));
      return std::nullopt;
    }
    Job job = std::move(entry->job);
    job.lease = static_cast<std::uint64_t>(Number(e[i]));
    job.claimed = true;
    if (entry->ended) {
      ended->push_back({std::move(job), std::move(*entry->ended)});
      continue;
    }
    if (!Judge(&job, ended, entry->reclaims)) continue;
    claimed_.push_back(Claim{std::move(job), e[i + 2].str == "1"});
  }
  // Fewer than asked: nothing more is ready now. Ask again when something
  // is timed to be, or in a while (another node may queue work).
  if (got < std::min(room, kClaimBatch)) {
    auto wait = kIdlePoll;
    if (wake_ms_ >= 0)
      wait = std::min(wait, std::chrono::milliseconds(std::max<std::int64_t>(wake_ms_, 2)));
    next_poll_ = now + wait;
  } else {
    poke_ = true;
  }
  return TakeClaim(ended);
}

std::optional<Claim> RedisFrontier::TakeClaim(Ended*) {
  if (claimed_.empty()) return std::nullopt;
  Claim c = std::move(claimed_.front());
  claimed_.pop_front();
  return c;
}

// A claimed job is fetched unless it ends here: nodes died holding it three
// times (it may be what kills them), or robots.txt refuses it.
bool RedisFrontier::Judge(Job* job, Ended* ended, int reclaims) {
  std::optional<CanonicalUrl> url = Canonicalize(job->Url());
  if (!url) {
    ended->push_back({std::move(*job), RecordError{ErrorKind::kInvalidUrl, "not an http(s) URL"}});
    return false;
  }
  job->origin = Intern(url->origin());
  job->host = Intern(url->host());
  if (reclaims >= 3 && job->robots) {
    // Its origin is off limits for the crawl, as when a fetcher dies twice.
    PutRobots(std::move(*job),
              RobotsLost("the node holding it died " + std::to_string(reclaims) + " times"),
              Clock::now(), ended);
    return false;
  }
  if (reclaims >= 3) {
    ended->push_back({std::move(*job), RecordError{ErrorKind::kWorkerCrash,
                                                   "the node holding this URL died " +
                                                       std::to_string(reclaims) + " times"}});
    return false;
  }
  if (job->robots || !obey_robots_) return true;
  const Robots* robots = RobotsOf(*job->origin);
  if (robots && !robots->rules.IsAllowed(url->path_and_query())) {
    ended->push_back({std::move(*job), RecordError{robots->denial, robots->message}});
    return false;
  }
  return true;
}

// The origin's verdict, read from the crawl the first time; nullptr while
// it is not known (being fetched).
const RedisFrontier::Robots* RedisFrontier::RobotsOf(std::string_view origin) {
  auto it = robots_.find(std::string(origin));
  if (it != robots_.end()) return &it->second;
  if (!conn_) return nullptr;
  auto got = conn_->Command({"GET", prefix_ + "r:" + std::string(origin)});
  if (!got.ok()) {
    Lost(got.status());
    return nullptr;
  }
  if (got.value().nil() || got.value().str == "?") return nullptr;
  std::optional<RobotsVerdict> verdict = DecodeRobotsVerdict(got.value().str, user_agent_);
  if (!verdict) return nullptr;
  if (robots_.size() > 10'000) robots_.clear();  // bounded; read again when needed
  Robots& r = robots_[std::string(origin)];
  r.rules = std::move(verdict->rules);
  r.denial = verdict->denial;
  r.message = std::move(verdict->message);
  return &r;
}

std::optional<Frontier::TimePoint> RedisFrontier::NextDeadline() const {
  if (!status_.ok()) return std::nullopt;
  if (!claimed_.empty() || (poke_ && conn_)) return Clock::now();
  if (lost_since_) return next_reconnect_;
  return next_poll_;
}

void RedisFrontier::Sent(const Job& job, TimePoint) {
  if (!job.claimed || !conn_) return;
  Answer(Run(scripts_.sent, {node_, std::to_string(job.lease)}));
}

// --- The end of a claim ---------------------------------------------------------

bool RedisFrontier::Commit(const Job& job, const Record* record, bool sent) {
  if (!job.claimed) return true;  // not leased: nothing to end
  --held_;
  poke_ = true;
  const std::string token = std::to_string(job.lease);
  if (!conn_) {
    abandoned_.push_back(token);
    return false;
  }
  const std::string bytes = record ? EncodeRecord(*record) : std::string();
  auto reply = Run(scripts_.commit, {node_, token, sent ? "1" : "0", bytes});
  if (!reply.ok()) {
    abandoned_.push_back(token);
    return false;
  }
  std::size_t extra = 0;
  if (!Answer(reply, &extra)) {
    if (reply.value().elements.size() == 1 && reply.value().elements[0].str == "fenced") {
      LogWarn(job.Url() +
              ": its lease lapsed while this node was held up, and another node "
              "has it now; this node writes no record of it");
    }
    return false;
  }
  if (record) committed_id_ = Text(reply.value().elements[extra]);
  return true;
}

void RedisFrontier::OutputHas() {
  written_id_ = committed_id_;
  ++unmarked_;
}

// Ends a lease without a record (see release.lua); false if it was not
// this node's any more, or Redis is away.
bool RedisFrontier::Release(const Job& job, const char* how, bool sent,
                            const std::vector<std::string>& extra, const char* what) {
  if (!job.claimed) return false;
  poke_ = true;
  const std::string token = std::to_string(job.lease);
  if (!conn_) {
    --held_;
    abandoned_.push_back(token);
    return false;
  }
  const std::string entry = EncodeJobEntry(job);
  std::vector<std::string_view> args = {node_, token, how, sent ? "1" : "0", entry};
  for (const std::string& s : extra) args.push_back(s);
  auto reply = Run(scripts_.release, args);
  if (reply.ok() && !reply.value().error() && !reply.value().elements.empty() &&
      reply.value().elements[0].str == "seen") {
    return true;  // lease kept
  }
  --held_;
  if (!reply.ok()) {
    abandoned_.push_back(token);
    return false;
  }
  if (!Answer(reply)) {
    LogDebug(job.Url() + ": " + what + " not recorded: its lease is another node's now");
    return false;
  }
  return true;
}

void RedisFrontier::Finish(const Job& job, const StateStore::Outcome* recorded, TimePoint) {
  if (!job.claimed) return;
  if (recorded) {
    Commit(job, nullptr, true);  // done, without a record (--changed-only)
  } else {
    Release(job, "head", true, {}, "the give-back");  // unfinished: another node takes it
  }
}

void RedisFrontier::RetryAt(Job job, TimePoint at, TimePoint now) {
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
  job.claimed = true;
  Release(job, "retry", true, {std::to_string(std::max<std::int64_t>(wait.count(), 0))},
          "the retry");
}

void RedisFrontier::Return(Job job, TimePoint) { Release(job, "back", true, {}, "the requeue"); }

std::optional<Frontier::Stopped> RedisFrontier::Redirect(Job job, std::string_view location,
                                                         TimePoint, Ended*) {
  const Job held = job;  // as claimed: what goes back if the hop cannot be queued
  RedirectDecision next = DecideRedirect(&job, location, scope_, strip_);
  if (!next.target)
    return Stopped{std::move(job), RecordError{next.error, std::move(next.message)}};
  const SeenKey key = SharedSeenKey(next.target->url);
  job.current_url = std::move(next.request_url);
  job.attempts = 0;
  std::string origin, robots_entry;
  if (obey_robots_ && !RobotsOf(next.target->origin())) {
    origin = std::string(next.target->origin());
    Job robots;
    robots.input = origin + "/robots.txt";
    robots.robots = true;
    robots_entry = EncodeJobEntry(robots);
  }
  if (!held.claimed || !conn_) {
    Release(held, "head", true, {}, "the redirect");
    return std::nullopt;
  }
  const std::string entry = EncodeJobEntry(job);
  const std::string token = std::to_string(held.lease);
  const std::string host(next.target->host());
  const std::string bucket = key.BucketText(), fingerprint = key.FingerprintText();
  auto reply = Run(scripts_.release, {node_, token, "redirect", "1", entry, host, bucket,
                                      fingerprint, origin, robots_entry});
  poke_ = true;
  if (reply.ok() && !reply.value().error() && !reply.value().elements.empty() &&
      reply.value().elements[0].str == "seen") {
    return Stopped{std::move(job), std::nullopt};  // recorded at this hop, lease kept
  }
  --held_;
  if (!reply.ok()) abandoned_.push_back(token);
  Answer(reply);
  return std::nullopt;
}

void RedisFrontier::PutRobots(Job fetch, RobotsVerdict verdict, TimePoint, Ended*) {
  const std::string origin = fetch.origin ? *fetch.origin : "";
  const std::string delay =
      verdict.crawl_delay ? std::to_string(verdict.crawl_delay->count()) : "0";
  if (Release(fetch, "robots", true, {origin, EncodeRobotsVerdict(verdict), delay}, "robots.txt")) {
    Robots& r = robots_[origin];
    r.rules = std::move(verdict.rules);
    r.denial = verdict.denial;
    r.message = std::move(verdict.message);
  }
}

void RedisFrontier::PauseHost(const std::string& host, TimePoint until) {
  if (!conn_) return;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  Answer(Run(scripts_.pause, {host, std::to_string(std::max<std::int64_t>(wait.count(), 0))}));
}

// The run stops: claims not handed out yet go back to the head of the
// queues; what waits stays in the crawl for the other nodes.
void RedisFrontier::DropWaiting() {
  while (!claimed_.empty()) {
    Release(claimed_.front().job, "head", false, {}, "the give-back");
    claimed_.pop_front();
  }
  listed_.clear();
}

FrontierCounts RedisFrontier::Counts() const {
  FrontierCounts c;
  c.admitted = admitted_;
  const std::uint64_t pending = admitted_ > done_ ? admitted_ - done_ : 0;
  const std::uint64_t others = pending > held_ ? pending - held_ : 0;
  // The crawl is over for this node when nothing is admitted and not done
  // anywhere but what it holds itself, and no other node reads input.
  c.waiting = static_cast<std::size_t>(others + claimed_.size() + listed_.size() + other_readers_ +
                                       (seeded_ ? 0 : 1));
  if (lost_since_) c.waiting = std::max<std::size_t>(c.waiting, 1);
  c.seen = static_cast<std::size_t>(admitted_);
  return c;
}

// --- The node's output ------------------------------------------------------------

Status RedisFrontier::SaveMark(const std::string& mark) {
  if (!conn_) return Status::IOError("Redis at " + address_.display + " cannot be reached");
  auto reply = Run(scripts_.mark, {node_, mark, written_id_, incarnation_});
  if (!reply.ok()) return reply.status();
  if (!Answer(reply)) return status_.ok() ? Status::IOError("the mark was refused") : status_;
  unmarked_ = 0;
  return Status();
}

// The records this node committed and its output does not have, oldest
// first: after its last run's mark, or after the last one written.
Status RedisFrontier::Replay(const std::function<Status(const Record&)>& write) {
  replay_due_ = false;
  std::string after = written_id_.empty() ? "0-0" : written_id_;
  std::size_t replayed = 0;
  for (;;) {
    if (!conn_) return Status::IOError("Redis at " + address_.display + " cannot be reached");
    auto got =
        conn_->Command({"XRANGE", prefix_ + "out:" + node_, "(" + after, "+", "COUNT", "500"});
    if (!got.ok()) return got.status().Prefixed("--frontier");
    const auto& entries = got.value().elements;
    if (entries.empty()) break;
    for (const redis::Reply& entry : entries) {
      if (entry.elements.size() != 2 || entry.elements[1].elements.size() != 2) {
        return Status::Corrupt("a record kept in Redis for node " + node_ + " is malformed");
      }
      std::optional<Record> record = DecodeRecord(entry.elements[1].elements[1].str);
      if (!record) {
        return Status::Corrupt("a record kept in Redis for node " + node_ + " cannot be read");
      }
      if (Status st = write(*record); !st.ok()) return st;
      after = entry.elements[0].str;
      committed_id_ = written_id_ = after;
      ++unmarked_;
      ++replayed;
    }
  }
  if (replayed > 0) {
    LogInfo("wrote " + std::to_string(replayed) +
            " record(s) this node committed before it was cut off from Redis or killed");
  }
  return Status();
}

// Said to the crawl by Refill once the last lines are admitted.
void RedisFrontier::InputDone() { input_done_ = true; }

void RedisFrontier::Leave() {
  if (!conn_) return;
  Answer(Run(scripts_.leave, {node_, incarnation_}));
}

}  // namespace forage
