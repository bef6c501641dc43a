// fuzz_wire_seeds DIR [SHARED_DIR]: writes WireSeeds() (fuzz_targets.h),
// frames made by this build's encoders, into DIR, one file each, and
// SharedSeeds() into SHARED_DIR. scripts/fuzz.sh runs it so that fuzz_wire
// and fuzz_shared start from the current layouts.
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace {

bool WriteAll(const std::string& dir,
              const std::vector<std::pair<std::string, std::string>>& seeds) {
  for (const auto& [name, bytes] : seeds) {
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::fprintf(stderr, "fuzz_wire_seeds: cannot write %s\n", path.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: fuzz_wire_seeds DIR [SHARED_DIR]\n");
    return 2;
  }
  if (!WriteAll(argv[1], forage::fuzz::WireSeeds())) return 1;
  if (argc == 3 && !WriteAll(argv[2], forage::fuzz::SharedSeeds())) return 1;
  return 0;
}
