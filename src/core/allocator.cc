#include "core/allocator.h"

#include <malloc.h>

namespace forage {

void KeepFreedMemoryForReuse() {
  // Setting either turns off glibc's own moving thresholds, so both are set.
  ::mallopt(M_TRIM_THRESHOLD, 8 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

}  // namespace forage
