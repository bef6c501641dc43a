#pragma once

// Where --save puts a page's body: a relative file path made from its
// canonical URL, as wget's does (host/path, index.html for a directory),
// but safe for any URL and one-to-one.
//
// The rules, for a canonical URL scheme://[userinfo@]host[:port]/path[?query]:
//
// - Components. The path "/d1/d2/leaf" gives the directories d1 and d2 and
//   the file leaf, under a directory for the host: "HOST/d1%/d2%/leaf". An
//   empty leaf (a path ending in "/", or just "/") is "index.html". A query
//   goes into the leaf's name after "@" (wget's --restrict-file-names=
//   windows): "/s?q=1" is "s@q=1", "/?q" is "index.html@q", an empty query
//   "/s?" is "s@".
// - The host directory: the host as canonical (lower case, an IDN in
//   punycode, an IPv6 address in brackets with ":" escaped), then "+PORT"
//   for a port that is not the scheme's default ("+" cannot occur in a
//   host), then "%u" and a hash of the userinfo if there is one (no
//   password is written out). http and https share the host's directory,
//   as with wget: "http://h/a" and "https://h/a" are one file. That is the
//   only case of two canonical URLs with one path.
// - Directories and files never share a name: every directory below the
//   host ends in "%" (an empty segment, as in "/a//b", is "%" alone), and
//   no file name does. So "/a" (file "a"), "/a/" (file "a%/index.html") and
//   "/a/b" (file "a%/b") all coexist, and no saved file is ever where
//   another path needs a directory.
// - Escaping. A name holds the URL's text with these changes, read as
//   escapes ("%XX") and single bytes:
//     - an escape of a byte the canonical form always escapes in that part
//       of the URL, and which is harmless in a file name, is decoded for
//       readability: in the path space # ^ ` { }, in the query space # ';
//       but not a space at the end of a name (Windows drops it);
//     - a single byte that a file system may dislike becomes "%XX": control
//       bytes, DEL, bytes above 0x7E, "/" "\" ":" "*" "?" '"' "<" ">" "|",
//       and the markers "%" and "@" (and "+" in the host);
//     - an escape of such a byte, where the byte can also occur unescaped,
//       gets its "%" escaped: "%3A" in a path is "%253A", because ":" is
//       "%3A"; other escapes stay as they are ("caf%C3%A9").
//   So a "%" in a name always starts two upper-case hex digits, "%h" and
//   "%u" (below), or is a directory's last byte: reading a name back gives
//   the URL's text, and no name is "." or "..".
// - Case-insensitive file systems. A name with an upper-case ASCII letter
//   (escapes' hex digits aside) gets "%h" and 12 hex digits of a hash of
//   its exact bytes, before its extension: "/Foo" is "Foo%h1a2b3c4d5e6f",
//   "/Report.PDF" "Report%h....PDF", "/foo" stays "foo". Names without
//   upper-case letters differ after folding whenever they differ, marked
//   ones by their hashes. A literal "index.html" leaf (in any case) is
//   marked the same way, so it is not the file of the path ending in "/".
// - Lengths. A name is at most kMaxSaveNameBytes: a longer one is cut (on
//   an escape's boundary) and marked with the hash of its whole text, as
//   above. A whole path is at most kMaxSavePathBytes: past it, the
//   directories that do not fit are dropped and the file name is marked
//   with the hash of the whole relative path.
//
// One-to-one, then, for canonical URLs differing other than by scheme,
// also after ASCII case folding, up to the 48-bit hashes of marked names.
// Pure; any thread.

#include <cstddef>
#include <string>

#include "core/url.h"

namespace forage {

inline constexpr std::size_t kMaxSaveNameBytes = 200;
inline constexpr std::size_t kMaxSavePathBytes = 1024;

// The relative path ("HOST/dir%/file") under which `url`'s body is saved.
// Safe for any input, canonical or not: never absolute, never empty, no
// empty, "." or ".." component, no byte below 0x20 or above 0x7E, no
// Windows-reserved character but in "%XX", within the length limits. (A
// CanonicalUrl not made by Canonicalize may lose the one-to-one property.)
std::string SavePathFor(const CanonicalUrl& url);

}  // namespace forage
