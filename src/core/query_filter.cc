#include "core/query_filter.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "core/ascii.h"
#include "core/percent_encoding.h"

namespace forage {
namespace {

bool HasWildcard(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

// MatchesNameGlob with `pattern` in lower case already.
bool MatchesLowered(std::string_view pattern, std::string_view name) {
  // The classic two-pointer match: on a mismatch after a "*", that "*"
  // takes one more byte and matching resumes; only the last "*" needs
  // remembering, so there is no backtracking beyond it.
  std::size_t p = 0, n = 0;
  std::size_t star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == AsciiLower(name[n]))) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Whether a path segment is "." or ".." (also spelt "%2e"): one the parser
// would resolve away. A segment like ".;jsessionid=1" keeps its parameter,
// so that removing it never makes a URL name another path.
bool IsDotSegment(std::string_view segment) {
  std::string dots;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '.') {
      dots += '.';
    } else if (segment.substr(i, 3) == "%2e" || segment.substr(i, 3) == "%2E") {
      dots += '.';
      i += 2;
    } else {
      return false;
    }
  }
  return dots == "." || dots == "..";
}

// A parameter's name: the piece up to its first "=".
std::string_view NameOf(std::string_view parameter) {
  return parameter.substr(0, parameter.find('='));
}

}  // namespace

Status CheckStripPattern(std::string_view pattern) {
  if (pattern.empty()) return Status::InvalidArgument("--strip-query: a pattern must not be empty");
  if (pattern.find_first_of("=&") != std::string_view::npos) {
    return Status::InvalidArgument("--strip-query: \"" + std::string(pattern) +
                                   "\" is not a parameter name (it holds \"=\" or \"&\")");
  }
  return Status();
}

bool MatchesNameGlob(std::string_view pattern, std::string_view name) {
  return MatchesLowered(AsciiLowered(pattern), name);
}

std::vector<std::string> StripPatterns(const std::vector<std::string>& given, bool defaults) {
  std::vector<std::string> out;
  if (defaults) out.assign(std::begin(kTrackingParameters), std::end(kTrackingParameters));
  out.insert(out.end(), given.begin(), given.end());
  return out;
}

Result<QueryFilter> QueryFilter::Create(const std::vector<std::string>& patterns, bool defaults) {
  for (const std::string& p : patterns) {
    if (Status st = CheckStripPattern(p); !st.ok()) return st;
  }
  QueryFilter f;
  f.patterns_ = StripPatterns(patterns, defaults);
  for (const std::string& p : f.patterns_) {
    std::string lowered = AsciiLowered(p);
    if (HasWildcard(lowered)) {
      if (std::find(f.globs_.begin(), f.globs_.end(), lowered) == f.globs_.end()) {
        f.globs_.push_back(std::move(lowered));
      }
    } else {
      f.exact_.insert(std::move(lowered));
    }
  }
  return f;
}

bool QueryFilter::Removes(std::string_view name) const {
  if (empty()) return false;
  if (!exact_.empty() && exact_.count(AsciiLowered(name)) > 0) return true;
  return std::any_of(globs_.begin(), globs_.end(),
                     [&](const std::string& glob) { return MatchesLowered(glob, name); });
}

std::optional<std::string> QueryFilter::Strip(std::string_view url) const {
  if (empty()) return std::nullopt;
  const std::size_t end = std::min(url.find('#'), url.size());
  const std::size_t question = std::min(url.substr(0, end).find('?'), end);
  // The path starts at the first "/" after "scheme://"; in a serialized
  // http(s) URL neither the host nor the userinfo holds a raw "/" or "?".
  std::size_t path = question;
  if (const std::size_t scheme = url.substr(0, question).find("://");
      scheme != std::string_view::npos) {
    path = std::min(url.substr(0, question).find('/', scheme + 3), question);
  }
  auto goes = [&](std::string_view parameter) {
    std::string_view name = NameOf(parameter);
    if (name.find('%') == std::string_view::npos) return Removes(name);
    return Removes(PercentDecode(name));
  };

  std::string out;
  bool changed = false;
  // The path, with its matching ";name=value" parameters left out.
  std::size_t copied = 0;  // url[0, copied) is accounted for in `out`
  for (std::size_t i = url.find(';', path); i < question; i = url.find(';', i + 1)) {
    std::size_t stop = url.substr(0, question).find_first_of(";/", i + 1);
    if (stop == std::string_view::npos) stop = question;
    const std::string_view parameter = url.substr(i + 1, stop - i - 1);
    if (parameter.find('=') == std::string_view::npos || !goes(parameter)) continue;
    const std::size_t segment = url.rfind('/', i) + 1;  // url[path] is "/"
    const std::size_t head = url.find(';', segment);
    if (IsDotSegment(url.substr(segment, head - segment))) continue;
    out.append(url.substr(copied, i - copied));
    copied = stop;
    changed = true;
    i = stop - 1;  // the next ";" may be the one at `stop`
  }
  out.append(url.substr(copied, question - copied));

  if (question < end) {
    const std::string_view query = url.substr(question + 1, end - question - 1);
    std::string kept;
    bool removed = false;
    std::size_t start = 0;
    for (;;) {
      const std::size_t amp = std::min(query.find('&', start), query.size());
      const std::string_view parameter = query.substr(start, amp - start);
      if (parameter.empty()) {
        // Kept only while nothing goes; see below.
      } else if (goes(parameter)) {
        removed = true;
      } else {
        if (!kept.empty()) kept += '&';
        kept.append(parameter);
      }
      if (amp == query.size()) break;
      start = amp + 1;
    }
    if (removed) {
      changed = true;
      if (!kept.empty()) out.append("?").append(kept);
    } else {
      out.append(url.substr(question, end - question));
    }
  }
  if (!changed) return std::nullopt;
  out.append(url.substr(end));
  return out;
}

}  // namespace forage
