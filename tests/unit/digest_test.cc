#include "archive/digest.h"

#include <catch2/catch.hpp>
#include <string>

namespace forage {
namespace {

std::string HexSha256(std::string_view bytes) {
  DigestStream d(DigestStream::Algorithm::kSha256);
  d.Update(bytes);
  return Hex(d.Finish());
}

TEST_CASE("DigestStream gives the FIPS 180-2 SHA-256 digests, whole or in pieces", "[digest]") {
  const std::string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const std::string two_blocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  const std::string message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(HexSha256("") == empty);
  CHECK(HexSha256("abc") == abc);
  CHECK(HexSha256(message) == two_blocks);
  DigestStream digest(DigestStream::Algorithm::kSha256);
  for (char c : message) digest.Update(std::string_view(&c, 1));
  CHECK(Hex(digest.Finish()) == two_blocks);
  // Reset forgets what came before: a new response's body starts afresh.
  digest.Update("ab");
  digest.Reset();
  digest.Update("a");
  digest.Update("");
  digest.Update("bc");
  CHECK(Hex(digest.Finish()) == abc);
  // Finish starts the stream over.
  CHECK(Hex(digest.Finish()) == empty);
  DigestStream moved = std::move(digest);
  moved.Update("abc");
  CHECK(Hex(moved.Finish()) == abc);
}

TEST_CASE("DigestStream gives SHA-1 digests in the WARC standard's base32", "[digest]") {
  DigestStream sha1(DigestStream::Algorithm::kSha1);
  sha1.Update("abc");
  CHECK(Hex(sha1.Finish()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(WarcSha1("abc") == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
}

}  // namespace
}  // namespace forage
