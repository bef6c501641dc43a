#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/fd.h"
#include "core/query_filter.h"
#include "core/url.h"
#include "forage/status.h"

namespace forage {

// One URL line taken from the input.
struct InputLine {
  std::string text;   // trimmed; cut short if the line was absurdly long
  std::string where;  // "urls.txt:12", "<stdin>:3" or "--url 2", for messages
  bool too_long = false;
};

// A line of the input as a URL to fetch: CheckInputUrl's verdict (a line
// too long is invalid_url too), with the parameters `strip` removes
// (--strip-query) taken out of checked.url, and the canonical form of that
// when it is one (else `error` says why not).
struct ListedUrl {
  CheckedUrl checked;
  std::optional<CanonicalUrl> canonical;
};
ListedUrl CheckListedLine(const InputLine& line, const QueryFilter& strip);

// The seed URLs, read lazily and without blocking: files (one URL a line,
// '#' comments and blank lines skipped, ASCII whitespace trimmed, CRLF
// accepted, a UTF-8 byte-order mark before the first line skipped), standard
// input as "-", and single URLs, in the order added.
// Memory stays bounded by one read chunk plus one line, however long the list.
class UrlSource {
 public:
  // A line longer than this is cut here and reported as too long, however
  // it arrives; a comment line that long is skipped like any comment.
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;

  void AddUrl(std::string url);
  // Opens `path` now ("-": standard input), so a missing file fails before
  // any work starts: the Status names the path and the reason.
  Status AddFile(const std::string& path);

  enum class Poll { kLine, kWouldBlock, kExhausted };
  // The next line if one is ready. kWouldBlock: a pipe or terminal has no
  // data yet; wait for WaitFd() to become readable, then call again.
  Poll Next(InputLine* line);
  int WaitFd() const;
  // Whether any input was added at all.
  bool HasInput() const { return !inputs_.empty(); }

 private:
  struct Input {
    std::string name;
    bool is_url = false;  // a single --url value held in `buffer`
    UniqueFd owned;       // files; standard input is borrowed, not closed
    int fd = -1;
    bool regular = false;  // regular files never block, so are not polled
    bool eof = false;
    bool skipping = false;  // inside the rest of an over-long line
    bool bom_checked = false;  // the start was looked at for a byte-order mark
    std::string buffer;
    std::size_t line_no = 0;
  };
  static void SkipByteOrderMark(Input& in);
  bool TakeLine(Input& in, InputLine* line);
  std::vector<Input> inputs_;
  std::size_t current_ = 0;
  std::size_t url_count_ = 0;
};

}  // namespace forage
