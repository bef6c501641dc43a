#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "archive/byte_spool.h"
#include "archive/chunked_decoder.h"
#include "archive/digest.h"

namespace forage {

// One transfer's request and response as they travelled, for its WARC
// records, fed from libcurl's debug callback: the request head as sent, the
// response head, and the response body before curl undoes its transfer
// coding (chunks) and content coding (gzip, br, ...), so that a replay shows
// the page as the server sent it.
//
// A transfer can hold several responses (a 100 Continue, a proxy's answer
// to CONNECT, an authentication challenge): a status line starts a new one,
// and only the last is kept. Its body is kept up to `max_body` bytes; past
// them the capture is cut (body_cut), and its record says so.
class ExchangeCapture {
 public:
  explicit ExchangeCapture(std::uint64_t max_body) : max_body_(max_body) {}

  // CURLINFO_HEADER_OUT: a request head. The last one sent is the one kept.
  void OnRequestHead(std::string_view bytes);
  // CURLINFO_HEADER_IN: one header line of a response, CRLF included.
  void OnResponseHead(std::string_view line);
  // CURLINFO_DATA_IN: body bytes as received.
  void OnBody(std::string_view bytes);

  const std::string& request_head() const { return request_; }
  const std::string& response_head() const { return response_; }
  // Whether the response head came whole (its blank line).
  bool has_response() const { return head_done_; }
  const ByteSpool& body() const { return body_; }
  bool body_cut() const { return body_cut_; }

  // "sha1:BASE32" of the response block (head and body as kept) and of its
  // payload (the body without chunked coding; content coding kept). Once.
  std::string TakeBlockDigest();
  std::string TakePayloadDigest();

 private:
  void StartResponse();

  std::uint64_t max_body_;
  std::string request_;
  bool request_done_ = true;  // the last request head ended: a new one replaces it
  std::string response_;
  bool head_done_ = false;
  bool chunked_ = false;
  bool body_cut_ = false;
  ByteSpool body_;
  DigestStream block_{DigestStream::Algorithm::kSha1};
  DigestStream payload_{DigestStream::Algorithm::kSha1};
  ChunkedDecoder dechunk_;
  bool block_started_ = false;
};

// Whether a Transfer-Encoding header line says the body is chunked (its
// last coding is "chunked"). `line` is the whole line.
bool IsChunkedHeader(std::string_view line);

}  // namespace forage
