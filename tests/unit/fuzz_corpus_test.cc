// Replays the fuzz targets' seed corpora and saved crashing inputs
// (tests/fuzz/corpus/<name>/, tests/fuzz/regressions/<name>/) through the
// target functions, so the ordinary sanitizer build checks them on every
// run. scripts/fuzz.sh does the fuzzing itself.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "ipc/wire.h"

namespace forage::fuzz {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The files of `name`'s corpus or regressions directory, sorted.
std::vector<fs::path> Inputs(std::string_view kind, std::string_view name) {
  const fs::path dir = fs::path(FORAGE_SOURCE_DIR) / "tests" / "fuzz" / kind / name;
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

const Target& Find(std::string_view name) {
  const auto targets = Targets();
  auto it =
      std::find_if(targets.begin(), targets.end(), [&](const Target& t) { return t.name == name; });
  REQUIRE(it != targets.end());
  return *it;
}

// Every input of `name` through its target; a broken property aborts, and
// Catch2 reports the file being replayed.
void Replay(std::string_view name) {
  const Target& target = Find(name);
  CHECK(target.run(nullptr, 0) == 0);
  const std::vector<fs::path> corpus = Inputs("corpus", name);
  CHECK(corpus.size() >= 3);  // a seed corpus worth the name
  std::vector<fs::path> all = corpus;
  const std::vector<fs::path> regressions = Inputs("regressions", name);
  all.insert(all.end(), regressions.begin(), regressions.end());
  for (const fs::path& file : all) {
    INFO("replaying " << file.string());
    const std::string bytes = ReadFile(file);
    CHECK(target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
  }
}

}  // namespace

TEST_CASE("The HTML fuzz target takes its corpus and regressions", "[fuzz]") { Replay("html"); }

TEST_CASE("The charset fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("charset");
}

TEST_CASE("The URL fuzz target takes its corpus and regressions", "[fuzz]") { Replay("url"); }

TEST_CASE("The robots.txt fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("robots");
}

TEST_CASE("The URL list fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("url_list");
}

TEST_CASE("The config fuzz target takes its corpus and regressions", "[fuzz]") { Replay("config"); }

TEST_CASE("The wire fuzz target takes its corpus and regressions", "[fuzz]") { Replay("wire"); }

TEST_CASE("The cookie jar fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("cookie");
}

TEST_CASE("The save path fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("save_path");
}

TEST_CASE("The CDXJ indexer fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("cdxj");
}

TEST_CASE("The sitemap fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("sitemap");
}

TEST_CASE("The srcset fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("srcset");
}

TEST_CASE("The meta refresh fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("meta_refresh");
}

TEST_CASE("The CSS url() fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("css_urls");
}

TEST_CASE("The robots signals fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("signals");
}

TEST_CASE("The scanner fuzz target takes its corpus and regressions", "[fuzz]") {
  Replay("scanner");
}

TEST_CASE("The shared-crawl fuzz target takes its corpus, regressions and this build's seeds",
          "[fuzz]") {
  Replay("shared");
  for (const auto& [name, bytes] : SharedSeeds()) {
    INFO("seed " << name);
    CHECK(FuzzShared(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
  }
}

TEST_CASE("The wire fuzz target takes the frames this build encodes", "[fuzz]") {
  // The committed wire corpus was encoded by an older build once a layout
  // changes; these are always current. Single frames must decode, or the
  // seeds have stopped meaning anything.
  for (const auto& [name, bytes] : WireSeeds()) {
    INFO("seed " << name);
    CHECK(FuzzWire(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
    const std::string_view payload = std::string_view(bytes).substr(wire::kFrameHeaderBytes);
    if (name.rfind("result-", 0) == 0) CHECK(wire::DecodeResult(payload));
    if (name.rfind("job-", 0) == 0) CHECK(wire::DecodeJob(payload));
    LogLevel level = LogLevel::kInfo;
    if (name == "fetcher-config") CHECK(wire::DecodeFetcherConfig(payload, &level));
    if (name == "ready") CHECK(wire::IsReady(payload));
    if (name == "sent") CHECK(wire::DecodeSent(payload));
  }
}

}  // namespace forage::fuzz
