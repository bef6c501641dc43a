#include "archive/exchange_capture.h"

#include <strings.h>

namespace forage {

namespace {

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsChunkedHeader(std::string_view line) {
  constexpr std::string_view kName = "transfer-encoding:";
  if (line.size() < kName.size() || strncasecmp(line.data(), kName.data(), kName.size()) != 0) {
    return false;
  }
  std::string_view value = Trim(line.substr(kName.size()));
  const std::size_t comma = value.rfind(',');
  if (comma != std::string_view::npos) value = Trim(value.substr(comma + 1));
  return value.size() == 7 && strncasecmp(value.data(), "chunked", 7) == 0;
}

void ExchangeCapture::OnRequestHead(std::string_view bytes) {
  if (request_done_) request_.clear();
  request_.append(bytes);
  request_done_ = request_.size() >= 4 && request_.compare(request_.size() - 4, 4, "\r\n\r\n") == 0;
}

void ExchangeCapture::StartResponse() {
  response_.clear();
  head_done_ = false;
  chunked_ = false;
  body_cut_ = false;
  body_.Clear();
  block_.Reset();
  payload_.Reset();
  dechunk_ = ChunkedDecoder();
  block_started_ = false;
}

void ExchangeCapture::OnResponseHead(std::string_view line) {
  if (line.substr(0, 5) == "HTTP/") StartResponse();
  if (head_done_) return;  // trailers of a chunked body are part of the body bytes
  response_.append(line);
  if (line == "\r\n" || line == "\n") {
    head_done_ = true;
  } else if (IsChunkedHeader(line)) {
    chunked_ = true;
  }
}

void ExchangeCapture::OnBody(std::string_view bytes) {
  if (!head_done_ || body_cut_) return;
  if (!block_started_) {
    block_.Update(response_);
    block_started_ = true;
  }
  if (body_.size() + bytes.size() > max_body_) {
    bytes = bytes.substr(0, static_cast<std::size_t>(max_body_ - body_.size()));
    body_cut_ = true;
  }
  if (!body_.Append(bytes)) {
    body_cut_ = true;
    return;
  }
  block_.Update(bytes);
  if (chunked_) {
    dechunk_.Feed(bytes, [this](std::string_view payload) { payload_.Update(payload); });
  } else {
    payload_.Update(bytes);
  }
}

std::string ExchangeCapture::TakeBlockDigest() {
  if (!block_started_) {
    block_.Update(response_);
    block_started_ = true;
  }
  return "sha1:" + Base32(block_.Finish());
}

std::string ExchangeCapture::TakePayloadDigest() { return "sha1:" + Base32(payload_.Finish()); }

}  // namespace forage
