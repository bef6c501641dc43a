#pragma once

#include <string>
#include <string_view>

namespace forage {

// Where a character reference is met, which decides how a named reference
// without its semicolon is read (HTML's "character reference state").
enum class CharRefContext {
  kText,       // data and RCDATA (a <title>'s text): "&notit;" is "¬it;"
  kAttribute,  // an attribute value: "&notit;" stays, since an alphanumeric
               // or '=' follows the legacy name "not"
};

// Appends `raw` to *out with its character references decoded as HTML's
// tokenizer decodes them, and as gumbo 0.10.1 does: named references from
// the standard's table (the legacy ones also without ';', subject to
// `context`), the longest name that matches; decimal and hexadecimal
// references, with the standard's replacements (0 and surrogates and values
// above U+10FFFF give U+FFFD; 0x80-0x9F give windows-1252's characters).
// Anything that is no reference is copied as it is. `raw` is UTF-8 without
// CR or NUL (gumbo has replaced those before it decodes references): an
// attribute's whole value (without its quotes), or a <title>'s whole text.
// Linear in `raw`; no recursion.
//
// Where gumbo departs from the standard, this follows gumbo. Its numeric
// references wrap modulo 2^32 where the standard caps them ("&#4294967361;"
// is "A"), and a value that wraps to a negative int gives one byte, its low
// one: *out is then not always UTF-8, and may get a NUL byte, where gumbo's
// value (a C string) ends; a caller matching gumbo cuts there. One value,
// 0xFFFFFFFF, gives "&" and swallows the character after the reference.
// When that reference ends `raw`, the character swallowed is what ends the
// value in the document (its closing quote, or the '<' of </title>), and
// gumbo's parse takes another course than this function can show: only
// then does it return false (having appended the "&"). Otherwise true.
bool AppendDecodedCharRefs(std::string_view raw, CharRefContext context, std::string* out);

}  // namespace forage
