#include "core/sha256.h"

#include <catch2/catch.hpp>
#include <string>

namespace forage {
namespace {

TEST_CASE("Sha256 gives the FIPS 180-2 digests, whole or in pieces", "[sha256]") {
  const std::string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const std::string two_blocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  const std::string message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(Sha256::Of("") == empty);
  CHECK(Sha256::Of("abc") == abc);
  CHECK(Sha256::Of(message) == two_blocks);
  Sha256 digest;
  for (char c : message) digest.Update(std::string_view(&c, 1));
  CHECK(digest.HexDigest() == two_blocks);
  // Reset forgets what came before: a new response's body starts afresh.
  digest.Reset();
  digest.Update("ab");
  digest.Reset();
  digest.Update("a");
  digest.Update("");
  digest.Update("bc");
  CHECK(digest.HexDigest() == abc);
  // A digest once read is ended; without a Reset there is none.
  CHECK_FALSE(digest.HexDigest());
  digest.Reset();
  CHECK(digest.HexDigest() == empty);
  Sha256 moved = std::move(digest);
  moved.Reset();
  moved.Update("abc");
  CHECK(moved.HexDigest() == abc);
}

}  // namespace
}  // namespace forage
