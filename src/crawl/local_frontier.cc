#include "crawl/local_frontier.h"

#include <utility>

#include "core/ascii.h"
#include "core/log.h"
#include "core/time_format.h"
#include "core/url.h"
#include "core/utf8.h"

namespace forage {
namespace {

// Sitemap levels read: robots.txt's sitemaps (1), those of an index it names
// (2), and one more for sites that nest indexes (the protocol allows none).
constexpr int kMaxSitemapLevel = 3;

// With --sitemaps, a listed URL is read as a sitemap when its last path
// segment ends in ".xml" or ".xml.gz" or names a sitemap: what people list
// when they want a sitemap's pages.
bool LooksLikeSitemap(std::string_view path_and_query) {
  const std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  const std::string leaf = AsciiLowered(path.substr(path.rfind('/') + 1));
  auto ends = [&](std::string_view suffix) {
    return leaf.size() >= suffix.size() &&
           leaf.compare(leaf.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".xml") || ends(".xml.gz") || leaf.find("sitemap") != std::string::npos;
}

}  // namespace

Result<std::unique_ptr<LocalFrontier>> LocalFrontier::Create(const CrawlOptions& options,
                                                             StateStore* state,
                                                             AdmitFilter filter, Ended* ended) {
  auto scope = ScopeFilter::Create(options.scope, options.include, options.exclude);
  if (!scope.ok()) return scope.status();
  // Links to images, scripts and style sheets are what --follow media,
  // script and style ask for.
  scope.value().FollowBinary((options.fetch.extract.follow &
                              (kFollowMedia | kFollowScripts | kFollowStyles)) != 0);
  auto strip = QueryFilter::Create(options.strip_query, options.strip_query_default);
  if (!strip.ok()) return strip.status();
  std::unique_ptr<LocalFrontier> f(new LocalFrontier(
      options, state, std::move(filter), std::move(scope).value(), std::move(strip).value()));
  if (state) f->ResumePass(ended);
  return f;
}

LocalFrontier::LocalFrontier(const CrawlOptions& options, StateStore* state, AdmitFilter filter,
                             ScopeFilter scope, QueryFilter strip)
    : depth_(options.depth),
      max_pages_(options.max_pages),
      queue_in_memory_(options.queue_in_memory),
      obey_robots_(options.robots),
      sitemaps_(options.sitemaps),
      recrawl_after_(options.recrawl_after),
      state_(state),
      filter_(std::move(filter)),
      scope_(std::move(scope)),
      strip_(std::move(strip)),
      scheduler_(Scheduler::Limits{options.per_host, options.delay, options.fetch.hosts}) {}

LocalFrontier::~LocalFrontier() = default;

bool LocalFrontier::AtPageLimit() const { return max_pages_ > 0 && admitted_ >= max_pages_; }

// A line of the input is admitted unless listed before; one that is no URL
// has a key of its own, so that a state remembers its record too.
Admission LocalFrontier::AdmitListed(const InputLine& line, Ended* ended) {
  if (AtPageLimit()) return Admission::kPageLimit;
  ListedUrl listed = CheckListedLine(line, strip_);
  CheckedUrl& checked = listed.checked;
  std::optional<CanonicalUrl>& canonical = listed.canonical;
  const std::uint64_t key =
      canonical ? UrlFingerprint(canonical->url) : UrlFingerprint("not a URL: " + line.text);
  if (!seen_.Insert(key)) {
    LogDebug(line.where + ": " + line.text + " is listed again" +
             (state_ ? " or was recorded by this pass already" : "") + "; skipped");
    return Admission::kSeen;
  }
  Job job;
  job.input = MakeValidUtf8(line.text);  // records hold valid UTF-8, whatever the input held
  job.where = line.where;
  job.key = key;
  if (sitemaps_ && canonical && LooksLikeSitemap(canonical->path_and_query())) job.sitemap = 1;
  ++admitted_;
  if (state_) state_->Admit(key, job.input, StoredDepth(job), "");
  if (checked.error) {
    LogWarn(line.where + ": " + std::string(ErrorKindName(checked.error->kind)) + ": " +
            checked.error->message);
    RecordError error{checked.error->kind, checked.error->message + " (" + line.where + ")"};
    ended->push_back({std::move(job), std::move(error)});
    return Admission::kEnded;
  }
  if (checked.url != job.input) job.current_url = std::move(checked.url);
  job.scope_root = std::make_shared<const std::string>(scope_.RootOf(canonical->host()));
  return Queue(std::move(job), *canonical, ended);
}

// A link is admitted when it is within depth, not binary-looking, in scope,
// passes the patterns, fits under --max-pages, was never seen before and the
// filter takes it. Admitted, it becomes a job, or waits on disk (ShouldSpill).
Admission LocalFrontier::AdmitLink(const LinkSource& from, const std::string& link,
                                   Ended* ended) {
  if (from.depth + 1 > depth_) return Admission::kTooDeep;
  return AdmitFound(from, link, 0, ended);
}

// A sitemap's pages are links of it that --depth does not hold back; the
// sitemaps an index lists are sitemaps one level down.
void LocalFrontier::AdmitSitemapEntries(const LinkSource& from, int level, bool index,
                                        const std::vector<std::string>& urls,
                                        const std::vector<std::int64_t>& lastmods,
                                        Ended* ended) {
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (index) {
      AdmitSitemap(urls[i], level + 1, from.url, from.scope_root, ended);
    } else {
      AdmitFound(from, urls[i], i < lastmods.size() ? lastmods[i] : 0, ended);
    }
  }
}

// A link past the depth check (a sitemap's page has none): see AdmitLink.
Admission LocalFrontier::AdmitFound(const LinkSource& from, const std::string& link,
                                    std::int64_t lastmod_ms, Ended* ended) {
  if (AtPageLimit()) return Admission::kPageLimit;
  // Longer than a listed URL may be (it could not travel in one job frame):
  // not followed, like a link to another scheme.
  if (link.size() > kMaxUrlBytes) return Admission::kNotHttp;
  std::optional<std::string> stripped = strip_.Strip(link);  // --strip-query
  std::optional<CanonicalUrl> url = Canonicalize(stripped ? *stripped : link);
  if (!url) return Admission::kNotHttp;
  if (scope_.SkipsAsBinary(url->url, url->path_and_query())) {
    return Admission::kBinary;
  }
  if (!scope_.InScope(*from.scope_root, url->host())) return Admission::kOutOfScope;
  if (!scope_.PassesPatterns(url->url)) return Admission::kPatterns;
  const std::uint64_t fingerprint = UrlFingerprint(url->url);
  if (!seen_.Insert(fingerprint)) return Admission::kSeen;
  if (filter_ && !filter_(link, from.depth + 1)) return Admission::kFiltered;  // not asked again
  ++admitted_;
  if (state_) state_->Admit(fingerprint, link, from.depth + 1, *from.url);
  if (ShouldSpill()) {
    // A sitemap's <lastmod> stays behind: the page is revisited as usual.
    Spill(link, from.depth + 1, *from.url, *from.scope_root, fingerprint);
    return Admission::kQueued;
  }
  Job job;
  job.input = link;
  if (stripped) job.current_url = std::move(*stripped);
  job.depth = from.depth + 1;
  job.parent = from.url;  // the page's final URL, shared by all its links
  job.scope_root = from.scope_root;
  job.key = fingerprint;
  job.lastmod_ms = lastmod_ms;
  return Queue(std::move(job), *url, ended);
}

// Sitemaps are named by the site (robots.txt, an index) or guessed at
// /sitemap.xml: fetched wherever they are, through no scope or pattern,
// but robots.txt and --max-pages hold them as any URL, and each is a record.
Admission LocalFrontier::AdmitSitemap(const std::string& url, int level,
                                      std::shared_ptr<const std::string> parent,
                                      std::shared_ptr<const std::string> scope_root,
                                      Ended* ended) {
  if (AtPageLimit()) return Admission::kPageLimit;
  if (url.size() > kMaxUrlBytes) return Admission::kNotHttp;
  std::optional<CanonicalUrl> canonical = Canonicalize(url);
  if (!canonical) {
    LogDebug("sitemap " + url + (parent ? " named by " + *parent : "") +
             " is no http(s) URL; skipped");
    return Admission::kNotHttp;
  }
  const std::uint64_t fingerprint = UrlFingerprint(canonical->url);
  if (!seen_.Insert(fingerprint)) return Admission::kSeen;
  ++admitted_;
  Job job;
  job.input = MakeValidUtf8(url);
  job.sitemap = level;
  job.parent = std::move(parent);
  job.scope_root = std::move(scope_root);
  job.key = fingerprint;
  if (state_) state_->Admit(fingerprint, job.input, StoredDepth(job), job.parent ? *job.parent : "");
  if (level > kMaxSitemapLevel) {
    RecordError error{ErrorKind::kSitemap, "a sitemap index nested " + std::to_string(level) +
                                               " levels deep, past the " +
                                               std::to_string(kMaxSitemapLevel) +
                                               " read: not fetched"};
    ended->push_back({std::move(job), std::move(error)});
    return Admission::kEnded;
  }
  if (ShouldSpill()) {
    Spill(job.input, StoredDepth(job), job.parent ? *job.parent : "", *job.scope_root, fingerprint);
    return Admission::kQueued;
  }
  return Queue(std::move(job), *canonical, ended);
}

void LocalFrontier::Spill(std::string url, int stored_depth, const std::string& parent,
                          const std::string& scope_root, std::uint64_t key) {
  if (!spilled_any_) {
    LogDebug(std::to_string(queue_in_memory_) +
             " URLs wait in memory; those found beyond wait in a temporary file in " +
             spill_.dir());
    spilled_any_ = true;
  }
  entry_.url = std::move(url);
  entry_.depth = stored_depth;
  entry_.parent = parent;
  entry_.scope_root = scope_root;
  entry_.key = key;
  if (Status st = spill_.Push(entry_); !st.ok()) Fail(st);
}

// robots.txt is in for an origin a page brought: its Sitemap: lines, or
// else a guess at /sitemap.xml where the rules would let it be fetched.
void LocalFrontier::DiscoverSitemaps(const Job& robots_job, Robots* robots,
                                     const RobotsRules& rules, Ended* ended) {
  if (!robots->discover) return;
  robots->discover = false;
  std::shared_ptr<const std::string> root = robots->scope_root;
  if (!root) {
    std::optional<CanonicalUrl> url = Canonicalize(robots_job.input);
    root = std::make_shared<const std::string>(url ? scope_.RootOf(url->host()) : "");
  }
  if (rules.Sitemaps().empty()) {
    if (obey_robots_ && !rules.IsAllowed("/sitemap.xml")) return;
    AdmitSitemap(*robots_job.origin + "/sitemap.xml", 1, nullptr, root, ended);
    return;
  }
  auto named_by = std::make_shared<const std::string>(robots_job.input);
  for (const std::string& url : rules.Sitemaps()) AdmitSitemap(url, 1, named_by, root, ended);
}

std::vector<std::string> LocalFrontier::KnownLinks(const Job& page) {
  return state_ ? state_->Links(page.key) : std::vector<std::string>{};
}

Admission LocalFrontier::Queue(Job job, const CanonicalUrl& url, Ended* ended) {
  if (!Revisit(&job, ended)) return Admission::kNotDue;
  const std::size_t before = ended->size();
  Schedule(std::move(job), url, ended);
  return ended->size() > before ? Admission::kEnded : Admission::kQueued;
}

// With a state, a URL an earlier pass recorded is revisited: not at all
// while that record is younger than --recrawl-after (its stored links are
// followed instead, as if the page had been fetched), else conditionally,
// with the validators of that fetch. A page whose links the crawl needs but
// the state lacks is fetched in full. False when the job ended here.
bool LocalFrontier::Revisit(Job* job, Ended* ended) {
  // A sitemap is read again every pass: what it lists is the news.
  if (!state_ || job->sitemap > 0) return true;
  std::optional<StateStore::Known> known = state_->Find(job->key);
  if (!known || known->done_ms == 0) return true;
  const bool follow = depth_ > job->depth;
  if (follow && !known->has_links) return true;
  const std::int64_t age_ms = UnixMillisNow() - known->done_ms;
  // With --recrawl-after, a sitemap's <lastmod> before the last fetch says
  // the page has not changed since: not due, without a request.
  const bool unchanged_since = recrawl_after_.count() > 0 && job->lastmod_ms > 0 &&
                               job->lastmod_ms < known->done_ms;
  if (age_ms >= recrawl_after_.count() && !unchanged_since) {
    job->etag = known->etag;
    job->last_modified = known->last_modified;
    return true;
  }
  ++not_due_;
  StateStore::Outcome same;
  same.at_ms = known->done_ms;  // the record's age goes on counting
  same.unchanged = true;
  state_->Done(job->key, same);
  if (follow) {
    LinkSource from;  // what the stored links inherit
    from.depth = job->depth;
    from.scope_root = job->scope_root;
    from.url = std::make_shared<const std::string>(job->Url());
    for (const std::string& link : state_->Links(job->key)) AdmitLink(from, link, ended);
  }
  return false;
}

// Queues a page job for the origin of `url`, behind that origin's robots.txt
// the first time it is seen; a page robots.txt is known to refuse ends here,
// without a fetch.
void LocalFrontier::Schedule(Job job, const CanonicalUrl& url, Ended* ended) {
  job.origin = Intern(url.origin());
  job.host = Intern(url.host());
  const std::shared_ptr<const std::string> host = job.host;
  // With --sitemaps, robots.txt is read for its Sitemap: lines even when
  // its rules are not obeyed (no block then).
  if (obey_robots_ || sitemaps_) {
    auto [it, added] = robots_.try_emplace(*job.origin);
    if (added) {
      // Sitemaps found by sitemaps start no discovery of their own.
      it->second.discover = sitemaps_ && (job.sitemap == 0 || !job.where.empty());
      it->second.scope_root = job.scope_root;
      Job fetch;
      fetch.input = *job.origin + "/robots.txt";
      fetch.origin = job.origin;
      fetch.host = host;
      fetch.robots = true;
      if (obey_robots_) scheduler_.Block(*host);
      scheduler_.Enqueue(waiting_.Add(std::move(fetch)), *host, /*front=*/true);
    } else if (obey_robots_ && it->second.rules &&
               !it->second.rules->IsAllowed(url.path_and_query())) {
      RecordError error{it->second.denial, it->second.message};
      ended->push_back({std::move(job), std::move(error)});
      return;
    }
  }
  scheduler_.Enqueue(waiting_.Add(std::move(job)), *host);
}

std::shared_ptr<const std::string> LocalFrontier::Intern(std::string_view name) {
  auto [it, fresh] = interned_.try_emplace(std::string(name));
  if (fresh) it->second = std::make_shared<const std::string>(it->first);
  return it->second;
}

// A link waits on disk rather than as a job once queue_in_memory URLs wait
// in memory, and also while any wait on disk, so that it goes behind those,
// breadth first.
bool LocalFrontier::ShouldSpill() const {
  return queue_in_memory_ > 0 && (Spilled() > 0 || waiting_.size() >= queue_in_memory_);
}

void LocalFrontier::Refill(Ended* ended) {
  while (status_.ok() && Spilled() > 0 &&
         (queue_in_memory_ == 0 || waiting_.size() < queue_in_memory_)) {
    bool from_state = false;
    if (!PopSpilled(&entry_, &from_state)) return;
    std::optional<CanonicalUrl> url;
    Job job = JobOfSpilled(entry_, from_state, &url);
    if (!url) {
      ended->push_back({std::move(job), RecordError{ErrorKind::kInvalidUrl, "not an http(s) URL"}});
      continue;
    }
    Queue(std::move(job), *url, ended);
  }
}

bool LocalFrontier::PopSpilled(SpillQueue::Entry* entry, bool* from_state) {
  *from_state = !resumed_.empty();
  if (Status st = (*from_state ? resumed_ : spill_).Pop(entry); !st.ok()) {
    Fail(st);
    return false;
  }
  return true;
}

// The job of a URL taken off the disk, and in *url its canonical form
// (nullopt if it has none). A link has what AdmitLink gave it; a URL
// `from_state` is one a cut-off run admitted: listed (depth 0) as the input
// gave it, or a link, and in scope of the root of its own host (the state
// does not keep the listed URL it descends from).
Job LocalFrontier::JobOfSpilled(SpillQueue::Entry& entry, bool from_state,
                                std::optional<CanonicalUrl>* url) {
  auto shared = [](std::shared_ptr<const std::string>& last, std::string& text) {
    if (!last || *last != text) last = std::make_shared<const std::string>(std::move(text));
    return last;
  };
  Job job;
  job.input = std::move(entry.url);
  SetStoredDepth(&job, entry.depth);
  job.key = entry.key;
  if (!from_state) {
    *url = LinkTarget(&job);
    job.parent = shared(unspilled_parent_, entry.parent);
    job.scope_root = shared(unspilled_root_, entry.scope_root);
    return job;
  }
  if (!entry.parent.empty()) job.parent = shared(unspilled_parent_, entry.parent);
  job.where = "the state " + state_->path();
  // A sitemap with no parent was listed, or guessed at /sitemap.xml (taken
  // for a guess here: without a record if it is not there).
  std::optional<CanonicalUrl> own = Canonicalize(job.input);
  if (job.sitemap == 1 && !job.parent && own && own->path_and_query() == "/sitemap.xml") {
    job.where.clear();
  }
  if (!job.parent) {  // listed (a page or a sitemap), or a guessed sitemap
    ListedUrl listed = CheckListedLine(InputLine{job.input, job.where, false}, strip_);
    *url = std::move(listed.canonical);
    if (*url && listed.checked.url != job.input) job.current_url = std::move(listed.checked.url);
  } else {
    *url = LinkTarget(&job);
  }
  if (*url) job.scope_root = std::make_shared<const std::string>(scope_.RootOf((*url)->host()));
  return job;
}

// A link's job requests its URL without the --strip-query parameters (the
// record keeps the link as found); the canonical form is of that.
std::optional<CanonicalUrl> LocalFrontier::LinkTarget(Job* job) const {
  if (std::optional<std::string> stripped = strip_.Strip(job->input)) {
    job->current_url = std::move(*stripped);
  }
  return Canonicalize(job->Url());
}

// Takes up the pass a cut-off run left: every URL it admitted counts as
// seen (so neither the input nor a link brings it back), and those it had
// not recorded are queued again, in the order they were admitted. They wait
// on disk (`resumed_`) until the queue in memory has room for them, so that
// a long crawl resumes in as little memory as it ran in; with no limit on
// that queue they all become jobs at once.
void LocalFrontier::ResumePass(Ended* ended) {
  std::vector<SpillQueue::Entry> pending;  // with no limit on the queue in memory
  Status kept;
  Status st = state_->ForEachInPass([&](const StateStore::PassUrl& u) {
    seen_.Insert(u.fingerprint);
    ++admitted_;
    if (u.done || !kept.ok()) return;
    ++resumed_count_;
    SpillQueue::Entry entry{u.url, u.depth, u.parent, "", u.fingerprint};
    if (queue_in_memory_ == 0) {
      pending.push_back(std::move(entry));
    } else {
      kept = resumed_.Push(entry);
    }
  });
  if (st.ok()) st = kept;
  if (!st.ok()) return Fail(st);
  if (resumed_count_ > 0) {
    LogInfo("resuming the last pass: " + std::to_string(resumed_count_) + " URL(s) to go, " +
            std::to_string(admitted_ - resumed_count_) + " recorded already");
  }
  for (SpillQueue::Entry& entry : pending) {
    std::optional<CanonicalUrl> url;
    Job job = JobOfSpilled(entry, /*from_state=*/true, &url);
    if (!url) {
      ended->push_back({std::move(job), RecordError{ErrorKind::kInvalidUrl, "not an http(s) URL"}});
      continue;
    }
    Queue(std::move(job), *url, ended);
  }
}

// The disk holding waiting URLs failed (full, an I/O error), or the state
// could not be read: those URLs are lost to this run, which stops. With a
// state they are still pending there for the next run.
void LocalFrontier::Fail(const Status& st) {
  if (status_.ok()) status_ = st;
}

std::optional<Claim> LocalFrontier::ClaimNext(TimePoint now, std::size_t, Ended*) {
  std::optional<Scheduler::Ready> ready = scheduler_.NextReady(now);
  if (!ready) return std::nullopt;
  Claim claim{waiting_.Complete(ready->job), ready->confirm};
  claim.job.claimed = true;
  return claim;
}

std::optional<Frontier::TimePoint> LocalFrontier::NextDeadline() const {
  return scheduler_.NextDeadline();
}

void LocalFrontier::Sent(const Job& job, TimePoint at) {
  if (job.claimed) scheduler_.Started(*job.host, job.id, at);
}

// The claim on `job` is over: its host's slot frees (the job itself may go
// on waiting, as after a retry or a redirect).
void LocalFrontier::EndClaim(Job* job, TimePoint now) {
  if (job->claimed) scheduler_.Finished(*job->host, job->id, now);
  job->claimed = false;
  job->slot.reset();
}

void LocalFrontier::Finish(const Job& job, const StateStore::Outcome* recorded, TimePoint now) {
  if (job.claimed) scheduler_.Finished(*job.host, job.id, now);
  if (recorded && state_ && !job.robots) state_->Done(job.key, *recorded);
}

void LocalFrontier::RetryAt(Job job, TimePoint at, TimePoint now) {
  EndClaim(&job, now);
  const std::shared_ptr<const std::string> host = job.host;
  const bool front = job.robots;
  scheduler_.EnqueueAt(waiting_.Add(std::move(job)), *host, at, front);
}

void LocalFrontier::Return(Job job, TimePoint now) {
  EndClaim(&job, now);
  const std::shared_ptr<const std::string> host = job.host;
  const bool front = job.robots;
  scheduler_.Enqueue(waiting_.Add(std::move(job)), *host, front);
}

// forage follows redirects itself, so that each hop passes the checks a
// link does (DecideRedirect), robots.txt and politeness. A hop to a URL
// already seen ends the record there, without a second fetch.
std::optional<Frontier::Stopped> LocalFrontier::Redirect(Job job, std::string_view location,
                                                         TimePoint now, Ended* ended) {
  EndClaim(&job, now);
  RedirectDecision next = DecideRedirect(&job, location, scope_, strip_);
  if (!next.target) return Stopped{std::move(job), RecordError{next.error, std::move(next.message)}};
  if (!seen_.Insert(UrlFingerprint(next.target->url))) return Stopped{std::move(job), std::nullopt};
  job.current_url = std::move(next.request_url);
  job.attempts = 0;
  Schedule(std::move(job), *next.target, ended);
  return std::nullopt;
}

// The host's queue may hold pages of its other origins too: only this
// origin's are judged by these rules (origins are interned: compare pointers).
void LocalFrontier::PutRobots(Job fetch, RobotsVerdict verdict, TimePoint now, Ended* ended) {
  EndClaim(&fetch, now);
  const std::string& host = *fetch.host;
  Robots& robots = robots_[*fetch.origin];
  if (!obey_robots_) {  // read for its sitemaps alone
    robots.rules = RobotsRules::AllowAll();
    DiscoverSitemaps(fetch, &robots, verdict.rules, ended);
    return;
  }
  if (verdict.crawl_delay) scheduler_.SetHostDelay(host, *verdict.crawl_delay);
  robots.rules = std::move(verdict.rules);
  robots.denial = verdict.denial;
  robots.message = std::move(verdict.message);
  std::vector<JobId> denied = scheduler_.RemoveIf(host, [&](std::uint64_t id) {
    const Job* job = waiting_.Find(id);
    if (job->robots || job->origin != fetch.origin) return false;
    std::optional<CanonicalUrl> url = Canonicalize(job->Url());
    return url && !robots.rules->IsAllowed(url->path_and_query());
  });
  for (JobId id : denied) {
    ended->push_back({waiting_.Complete(id), RecordError{robots.denial, robots.message}});
  }
  scheduler_.Unblock(host, now);
  DiscoverSitemaps(fetch, &robots, *robots.rules, ended);
}

void LocalFrontier::PauseHost(const std::string& host, TimePoint until) {
  scheduler_.PauseHost(host, until);
}

// In the order they were admitted (ids grow), as far as they are in memory;
// jobs admitted while the run winds down are taken in a later round.
std::optional<Job> LocalFrontier::TakeWaiting() {
  for (;;) {
    while (next_taken_ < taking_.size()) {
      Job* job = waiting_.Find(taking_[next_taken_++]);
      if (!job) continue;  // claimed since, or taken already
      Job taken = waiting_.Complete(job->id);
      if (!taken.robots) return taken;  // a robots.txt job yields rules, not a record
    }
    if (waiting_.Empty()) break;
    taking_ = waiting_.LiveIds();
    next_taken_ = 0;
  }
  if (Spilled() == 0) return std::nullopt;
  bool from_state = false;
  if (!PopSpilled(&entry_, &from_state)) return std::nullopt;
  std::optional<CanonicalUrl> url;
  return JobOfSpilled(entry_, from_state, &url);
}

void LocalFrontier::DropWaiting() {
  waiting_ = JobTable();
  scheduler_ = Scheduler(Scheduler::Limits{});
  spill_ = SpillQueue();
  resumed_ = SpillQueue();
}

FrontierCounts LocalFrontier::Counts() const {
  FrontierCounts c;
  c.admitted = admitted_;
  c.waiting = waiting_.size() + Spilled();
  c.seen = seen_.size();
  c.seen_bytes = seen_.MemoryBytes();
  c.not_due = not_due_;
  c.resumed = resumed_count_;
  return c;
}

}  // namespace forage
