#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// MakeValidUtf8, which ToUtf8 applies to UTF-8 bodies, lives with the other
// UTF-8 routines.
#include "core/utf8.h"

namespace forage {

// How a body's encoding was decided.
struct Encoding {
  std::string name;           // canonical WHATWG name: "UTF-8", "windows-1252", "Shift_JIS", ...
  std::size_t bom_bytes = 0;  // bytes of byte-order mark at the start of the body (to skip)
  enum class Source { kBom, kContentType, kMeta, kDefault } source = Source::kDefault;
};

// WHATWG encoding sniffing, simplified. In order, the first that gives a known encoding wins:
//  1. a byte-order mark: EF BB BF -> UTF-8, FF FE -> UTF-16LE, FE FF -> UTF-16BE (bom_bytes set);
//  2. the charset parameter of `content_type` (case-insensitive, quoted or not), any encoding;
//  3. a prescan of the first 1024 bytes of `body` for <meta charset=...> or
//     <meta http-equiv="Content-Type" content="...; charset=...">, following the HTML
//     standard's prescan (attribute order free, quotes optional, case-insensitive, comments and
//     other tags' attribute values skipped). A UTF-16 label found this way means UTF-8, and
//     x-user-defined means windows-1252;
//  4. windows-1252.
// Unknown labels are ignored (the next step is tried).
Encoding SniffEncoding(std::string_view body, std::string_view content_type);

// Maps a WHATWG Encoding Standard label to its encoding's canonical name, after trimming ASCII
// whitespace and ignoring ASCII case: "latin1", "us-ascii", "iso-8859-1" -> "windows-1252",
// "utf8" -> "UTF-8", "sjis" -> "Shift_JIS", "gb2312" -> "GBK", "utf-16" -> "UTF-16LE",
// "iso-2022-kr" -> "replacement", ... Every label of the standard is known; returns nullopt for
// anything else. Each canonical name is also a label of itself.
std::optional<std::string> EncodingForLabel(std::string_view label);

// Decodes `body`, less its first `encoding.bom_bytes` bytes, from `encoding.name` (a canonical
// name or any label) to UTF-8, as the Encoding Standard's decoders do with error mode
// "replacement":
//  - the single-byte encodings and x-user-defined: one table lookup per byte, from tables
//    generated from the standard's indexes (single_byte_tables.inc); unmapped bytes -> U+FFFD;
//  - UTF-16LE/BE: unpaired surrogates -> U+FFFD, an odd last byte -> one U+FFFD;
//  - replacement: a non-empty body -> a single U+FFFD, an empty one -> "";
//  - UTF-8: only repaired (see MakeValidUtf8 in core/utf8.h);
//  - the multi-byte CJK encodings: glibc iconv with the converter closest to the standard's
//    index; invalid bytes -> U+FFFD (one per byte skipped), a truncated sequence at the end ->
//    one U+FFFD.
// A name that is no label, or a CJK encoding iconv cannot open, is decoded as windows-1252.
// The result is always valid UTF-8. Linear in the size of `body`.
std::string ToUtf8(std::string_view body, const Encoding& encoding);

}  // namespace forage
