#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace forage {

// The URLs a piece of CSS (a <style> element's text, a style attribute)
// refers to, in order: url(...) values, unquoted (whitespace around them
// trimmed) or quoted, with any case of "url"; and @import "x" strings
// (@import url(x) is a url()). Read as CSS Syntax 3 tokenizes: escapes
// (\) decoded, hex ones too; comments skipped; the contents of other
// strings, and names that only end in "url" (myurl(x), #url(x)), are no
// url(); a url() that CSS calls bad (a quote, "(" or a space inside) gives
// nothing, nor does an empty one. The URLs are neither resolved nor checked.
// Linear time, no recursion.
std::vector<std::string> FindCssUrls(std::string_view css);

}  // namespace forage
