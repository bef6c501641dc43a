#pragma once

#include <curl/curl.h>

#include <string>

#include "forage/error_kind.h"

namespace forage {

// The one place where libcurl's result codes and HTTP statuses become error
// kinds. `body_cap_hit` says our write callback refused the body because it
// passed --max-bytes (curl then reports CURLE_WRITE_ERROR); `address_refused`
// says the SSRF guard refused every address it was asked to connect to (curl
// then reports CURLE_COULDNT_CONNECT).
ErrorKind ClassifyTransfer(CURLcode code, long http_status, bool body_cap_hit,
                           bool address_refused = false);

// The record's message for a transfer that failed with `code`: curl's own
// words, from its error buffer `detail` ("" if it wrote none) or else its
// description of the code, except where they mislead. curl 7.88 reports a
// response header line over its 100 KiB limit (CURL_MAX_HTTP_HEADER) as
// "Out of memory": while the response's head is not complete
// (`head_complete` false) that is what it means.
std::string TransferErrorMessage(CURLcode code, const char* detail, bool head_complete);

}  // namespace forage
