#pragma once

#include <gumbo.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace forage {

// The references to other URLs that a page's elements make, of the kinds
// a LinkKinds bitmask asks for (include/forage/fetch_settings.h), gathered
// as ExtractPage walks the tree: what it resolves into a record's links.
// References come out in the order elements are added, and an element's in
// the order its attributes are written (a srcset's, a refresh's and a
// style's in their own order), a <style> element's text after its
// attributes. Nothing is resolved or deduplicated here.
class LinkCandidates {
 public:
  explicit LinkCandidates(std::uint32_t kinds) : kinds_(kinds) {}
  LinkCandidates(const LinkCandidates&) = delete;
  LinkCandidates& operator=(const LinkCandidates&) = delete;

  // Adds the references of `node`, an element node. Attribute values are
  // viewed, not copied: the tree must outlive this object.
  void Add(const GumboNode* node);

  // In the order found. Views of the tree's attributes or of strings this
  // object holds (what srcset, refresh and CSS parsing produced).
  const std::vector<std::string_view>& references() const { return references_; }

 private:
  void AddParsed(std::vector<std::string> urls);

  std::uint32_t kinds_;
  std::vector<std::string_view> references_;
  std::deque<std::string> parsed_;  // a deque: growing moves no string
};

}  // namespace forage
