#pragma once

#include <curl/curl.h>

#include "forage/error_kind.h"

namespace forage {

// The one place where libcurl's result codes and HTTP statuses become error
// kinds. `body_cap_hit` says our write callback refused the body because it
// passed --max-bytes (curl then reports CURLE_WRITE_ERROR); `address_refused`
// says the SSRF guard refused every address it was asked to connect to (curl
// then reports CURLE_COULDNT_CONNECT).
ErrorKind ClassifyTransfer(CURLcode code, long http_status, bool body_cap_hit,
                           bool address_refused = false);

}  // namespace forage
