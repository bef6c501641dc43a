#pragma once

#include "forage/fetch_settings.h"
#include "forage/status.h"

namespace forage {

// Whether a run's request shaping can be used: headers "Name: value" (or
// "Name:") with no line break, none setting the User-Agent; credentials
// without control characters and --user as USER:PASSWORD; a .netrc, CA and
// client certificate files that can be read; proxies with a known scheme
// and a host; host tables with valid, distinct patterns and settings. The
// first problem fails, naming its flag or table, never echoing a secret.
Status ValidateRequestSettings(const FetchSettings& fetch);

}  // namespace forage
