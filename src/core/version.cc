#include "forage/version.h"

namespace forage {

// Compiled into the library, so that it reports the library's version, not
// the headers' a program was built with.
const char* Version() { return FORAGE_VERSION; }

}  // namespace forage
