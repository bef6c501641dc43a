// libFuzzer's entry point for fuzz_scanner: see FuzzScanner in fuzz_targets.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return forage::fuzz::FuzzScanner(data, size);
}
