#include "parse/html_document.h"

#include <strings.h>

#include <algorithm>

namespace forage {
namespace {

void* ArenaAllocate(void* arena, std::size_t size) {
  return static_cast<ParseArena*>(arena)->Allocate(size);
}
void ArenaFree(void*, void*) {}  // everything goes at Reset()

}  // namespace

void* ParseArena::Allocate(std::size_t size) {
  size = (size + 7) & ~std::size_t{7};  // gumbo needs no more than a pointer's alignment
  if (size > left_) {
    std::size_t block = std::max(size, kBlockBytes);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block));
    next_ = blocks_.back().get();
    left_ = block;
    reserved_ += block;
  }
  void* p = next_;
  next_ += size;
  left_ -= size;
  return p;
}

void ParseArena::Reset() {
  if (blocks_.empty()) return;
  blocks_.resize(1);
  next_ = blocks_[0].get();
  left_ = kBlockBytes;
  reserved_ = kBlockBytes;
}

HtmlDocument::HtmlDocument(std::string_view html, ParseArena* arena)
    : options_(kGumboDefaultOptions), arena_(arena) {
  options_.max_errors = 0;
  if (arena_) {
    options_.allocator = ArenaAllocate;
    options_.deallocator = ArenaFree;
    options_.userdata = arena_;
  }
  output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
}

HtmlDocument::~HtmlDocument() {
  if (arena_) {
    arena_->Reset();  // the tree goes with the arena; no node-by-node walk
  } else if (output_) {
    gumbo_destroy_output(&options_, output_);
  }
}

bool TokenListHolds(std::optional<std::string_view> list, std::string_view word) {
  if (!list) return false;
  std::string_view rest = *list;
  while (!rest.empty()) {
    std::size_t n = 0;
    while (n < rest.size() && !IsAsciiSpace(rest[n])) ++n;
    if (n == word.size() && strncasecmp(rest.data(), word.data(), n) == 0) return true;
    rest.remove_prefix(n);
    while (!rest.empty() && IsAsciiSpace(rest.front())) rest.remove_prefix(1);
  }
  return false;
}

}  // namespace forage
