// fuzz_wire_seeds DIR: writes WireSeeds() (fuzz_targets.h), frames made by
// this build's encoders, into DIR, one file each. scripts/fuzz.sh runs it so
// that fuzz_wire starts from the current layouts.
#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz/fuzz_targets.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_wire_seeds DIR\n");
    return 2;
  }
  for (const auto& [name, bytes] : forage::fuzz::WireSeeds()) {
    const std::string path = std::string(argv[1]) + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::fprintf(stderr, "fuzz_wire_seeds: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
