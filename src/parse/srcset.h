#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace forage {

// The URLs of a srcset attribute's image candidates (img, source), in order,
// as the HTML standard's "parse a srcset attribute" finds them: candidates
// split on ASCII whitespace and commas, a URL that ends in commas losing
// them (and taking no descriptors), descriptors tokenized with commas inside
// parentheses kept, and a candidate whose descriptors are invalid (unknown,
// repeated, both w and x, a w or h that is not a positive integer, a
// negative or malformed x, an h without a w) dropped. The URLs are neither
// resolved nor checked: "" never appears, anything else may. Linear time.
std::vector<std::string> ParseSrcset(std::string_view value);

}  // namespace forage
