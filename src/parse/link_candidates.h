#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "parse/element_view.h"

namespace forage {

// The references to other URLs that a page's elements make, of the kinds
// a LinkKinds bitmask asks for (include/forage/fetch_settings.h), gathered
// as a parser gives elements (PageCollector): what becomes a record's links.
// References come out in the order elements are added, and an element's in
// the order its attributes are written (a srcset's, a refresh's and a
// style's in their own order), a <style> element's text after its
// attributes. Nothing is resolved or deduplicated here.
class LinkCandidates {
 public:
  explicit LinkCandidates(std::uint32_t kinds) : kinds_(kinds) {}
  LinkCandidates(const LinkCandidates&) = delete;
  LinkCandidates& operator=(const LinkCandidates&) = delete;

  // Adds the references of `element`. Attribute values are viewed, not
  // copied: what the element views must outlive this object.
  void Add(const ElementView& element);
  // Whether Add needs the text of an element of tag `tag` (a <style>'s,
  // when styles are followed).
  bool WantsText(GumboTag tag) const;

  // In the order found. Views of the elements' attributes or of strings
  // this object holds (what srcset, refresh and CSS parsing produced).
  const std::vector<std::string_view>& references() const { return references_; }

 private:
  void AddParsed(std::vector<std::string> urls);

  std::uint32_t kinds_;
  std::vector<std::string_view> references_;
  std::deque<std::string> parsed_;  // a deque: growing moves no string
};

}  // namespace forage
