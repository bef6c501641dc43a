#include "crawl/url_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/errno_status.h"
#include "core/log.h"

namespace forage {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

void UrlSource::AddUrl(std::string url) {
  Input in;
  in.is_url = true;
  in.name = "--url " + std::to_string(++url_count_);
  in.buffer = std::move(url);
  inputs_.push_back(std::move(in));
}

Status UrlSource::AddFile(const std::string& path) {
  Input in;
  if (path == "-") {
    in.name = "<stdin>";
    in.fd = STDIN_FILENO;
  } else {
    in.name = path;
    in.owned.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.owned) return ErrnoStatus(path, errno);
    in.fd = in.owned.get();
  }
  struct stat st {};
  if (::fstat(in.fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + ": is a directory");
    in.regular = S_ISREG(st.st_mode);
  }
  inputs_.push_back(std::move(in));
  return {};
}

// Windows editors start a UTF-8 file with a byte-order mark; it belongs to
// no URL. A pipe may bring it a byte at a time, so the start is judged only
// once three bytes (or the end) have arrived.
void UrlSource::SkipByteOrderMark(Input& in) {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (in.bom_checked) return;
  const std::string_view head(in.buffer.data(), std::min(in.buffer.size(), kBom.size()));
  if (head == kBom) {
    in.buffer.erase(0, kBom.size());
  } else if (head == kBom.substr(0, head.size()) && !in.eof) {
    return;  // a prefix of the mark so far: wait for more
  }
  in.bom_checked = true;
}

int UrlSource::WaitFd() const { return current_ < inputs_.size() ? inputs_[current_].fd : -1; }

bool UrlSource::TakeLine(Input& in, InputLine* line) {
  SkipByteOrderMark(in);
  for (;;) {
    std::size_t nl = in.buffer.find('\n');
    if (nl == std::string::npos) {
      if (!in.eof || in.buffer.empty()) return false;
      nl = in.buffer.size();  // last line without a newline
    }
    std::string_view raw(in.buffer.data(), nl);
    bool was_skipping = in.skipping;
    in.skipping = false;
    // A read can bring a whole line longer than the limit, newline and all
    // (a file is read 64 KiB at a time): it is cut here just as Next cuts
    // one whose end has not arrived yet.
    const bool too_long = raw.size() > kMaxLineBytes;
    std::string taken(Trim(raw.substr(0, kMaxLineBytes)));
    in.buffer.erase(0, std::min(nl + 1, in.buffer.size()));
    if (was_skipping) continue;  // the tail of a line already reported
    ++in.line_no;
    if (taken.empty() ? !too_long : taken[0] == '#') continue;
    line->text = std::move(taken);
    line->where = in.is_url ? in.name : in.name + ":" + std::to_string(in.line_no);
    line->too_long = too_long;
    return true;
  }
}

UrlSource::Poll UrlSource::Next(InputLine* line) {
  while (current_ < inputs_.size()) {
    Input& in = inputs_[current_];
    if (in.is_url) {
      in.eof = true;
      ++current_;
      line->text = std::string(Trim(in.buffer));
      line->where = in.name;
      line->too_long = false;
      return Poll::kLine;
    }
    if (TakeLine(in, line)) return Poll::kLine;
    if (in.eof) {
      in.owned.Reset();
      ++current_;
      continue;
    }
    if (in.buffer.size() > kMaxLineBytes && !in.skipping) {
      // No newline in sight: report the line now, cut, and skip its rest.
      ++in.line_no;
      std::string text(Trim(std::string_view(in.buffer).substr(0, kMaxLineBytes)));
      in.buffer.clear();
      in.skipping = true;
      if (!text.empty() && text[0] == '#') continue;  // a long comment is still a comment
      line->text = std::move(text);
      line->where = in.name + ":" + std::to_string(in.line_no);
      line->too_long = true;
      return Poll::kLine;
    }
    if (in.skipping) in.buffer.clear();
    if (!in.regular) {
      pollfd p{in.fd, POLLIN, 0};
      if (::poll(&p, 1, 0) == 0) return Poll::kWouldBlock;
    }
    std::size_t old = in.buffer.size();
    in.buffer.resize(old + kReadChunk);
    ssize_t n = ReadSome(in.fd, in.buffer.data() + old, kReadChunk);
    in.buffer.resize(old + static_cast<std::size_t>(n > 0 ? n : 0));
    if (n == 0) {
      in.eof = true;
    } else if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Poll::kWouldBlock;
      LogError(in.name + ": read failed: " + std::strerror(errno) + "; rest of it skipped");
      in.eof = true;
    }
  }
  return Poll::kExhausted;
}

ListedUrl CheckListedLine(const InputLine& line, const QueryFilter& strip) {
  ListedUrl out;
  out.checked = CheckInputUrl(line.text);
  CheckedUrl& checked = out.checked;
  if (line.too_long && !checked.error) {
    checked.error =
        RecordError{ErrorKind::kInvalidUrl,
                    "line longer than " + std::to_string(UrlSource::kMaxLineBytes) + " bytes"};
  }
  if (!checked.error) {
    if (std::optional<std::string> stripped = strip.Strip(checked.url)) {
      checked.url = std::move(*stripped);
    }
    out.canonical = Canonicalize(checked.url);
    if (!out.canonical) checked.error = RecordError{ErrorKind::kInvalidUrl, "not an http(s) URL"};
  }
  return out;
}

}  // namespace forage
