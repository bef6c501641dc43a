#pragma once

// The master's side of request shaping: which origins may receive the
// run's credentials (those of the listed URLs), and the run's one cookie
// session. Fetchers report each response's Set-Cookie values; the jar here
// applies them and gives every later request, whichever fetcher sends it,
// the Cookie header a browser would. Master only; not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "crawl/cookie_jar.h"
#include "crawl/job_table.h"
#include "forage/options.h"
#include "forage/status.h"
#include "ipc/wire.h"

namespace forage {

class RequestSession {
 public:
  explicit RequestSession(const CrawlOptions& options);

  // Whether any setting depends on a job being trusted; if not, listed
  // URLs need not be noted.
  bool NeedsTrust() const { return needs_trust_; }
  // A listed URL, as the input gave it: its origin becomes trusted.
  void NoteListed(std::string_view url);
  bool Trusted(const std::string& origin) const;

  // The cookie jar: read from `text` (a Netscape cookie file's contents, or
  // what a state kept), named `where` in messages.
  Status LoadJar(std::string_view text, std::string_view where, std::int64_t now_s);
  std::string SaveJar(std::int64_t now_s) const;
  // Whether the jar changed since the last MarkSaved().
  bool JarChanged() const { return changed_; }
  void MarkSaved() { changed_ = false; }
  std::size_t JarSize() const { return jar_.size(); }

  // Fills in what the master adds to a job for its fetcher (the jar's
  // cookies as of now). Costs nothing when no setting needs it.
  void Shape(const Job& job, wire::FetchJob* fetch);
  // Takes in a result's Set-Cookie values (for the URL that answered).
  void Absorb(const wire::FetchResult& result, std::int64_t now_s);

 private:
  bool needs_trust_ = false;
  bool cookies_ = true;
  std::unordered_set<std::string> trusted_;
  CookieJar jar_;
  bool changed_ = false;
};

}  // namespace forage
