#include "core/allocator.h"

#include <malloc.h>

namespace forage {

void KeepFreedMemoryForReuse() {
  // Setting either turns off glibc's own moving thresholds, so both are set.
  ::mallopt(M_TRIM_THRESHOLD, 2 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

}  // namespace forage
