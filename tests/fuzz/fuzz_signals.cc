// libFuzzer's entry point for fuzz_signals: see FuzzSignals in fuzz_targets.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return forage::fuzz::FuzzSignals(data, size);
}
