#include "fetch/error_map.h"

#include <catch2/catch.hpp>

namespace forage {
namespace {

TEST_CASE("ClassifyTransfer maps curl codes and statuses to error kinds", "[error_map]") {
  struct Case {
    CURLcode code;
    long status;
    bool cap;
    ErrorKind kind;
  };
  const Case cases[] = {
      {CURLE_OK, 200, false, ErrorKind::kNone},
      {CURLE_OK, 304, false, ErrorKind::kNone},
      {CURLE_OK, 399, false, ErrorKind::kNone},
      {CURLE_OK, 400, false, ErrorKind::kHttp},
      {CURLE_OK, 404, false, ErrorKind::kHttp},
      {CURLE_OK, 503, false, ErrorKind::kHttp},
      {CURLE_WRITE_ERROR, 200, true, ErrorKind::kTooLarge},
      {CURLE_WRITE_ERROR, 200, false, ErrorKind::kOther},
      {CURLE_FILESIZE_EXCEEDED, 200, false, ErrorKind::kTooLarge},
      {CURLE_URL_MALFORMAT, 0, false, ErrorKind::kInvalidUrl},
      {CURLE_UNSUPPORTED_PROTOCOL, 0, false, ErrorKind::kNetwork},  // "HTTP/0.9"
      {CURLE_COULDNT_RESOLVE_HOST, 0, false, ErrorKind::kDns},
      {CURLE_COULDNT_CONNECT, 0, false, ErrorKind::kConnect},
      {CURLE_OPERATION_TIMEDOUT, 0, false, ErrorKind::kTimeout},
      {CURLE_OPERATION_TIMEDOUT, 200, false, ErrorKind::kTimeout},
      {CURLE_GOT_NOTHING, 0, false, ErrorKind::kNetwork},
      {CURLE_RECV_ERROR, 200, false, ErrorKind::kNetwork},
      {CURLE_SEND_ERROR, 0, false, ErrorKind::kNetwork},
      {CURLE_PARTIAL_FILE, 200, false, ErrorKind::kNetwork},
      {CURLE_OUT_OF_MEMORY, 200, false, ErrorKind::kNetwork},  // a header line over 100 KiB
      {CURLE_WEIRD_SERVER_REPLY, 200, false, ErrorKind::kNetwork},  // "Content-Length: -1"
      {CURLE_SSL_CONNECT_ERROR, 0, false, ErrorKind::kTls},
      {CURLE_PEER_FAILED_VERIFICATION, 0, false, ErrorKind::kTls},
      {CURLE_SSL_CACERT_BADFILE, 0, false, ErrorKind::kTls},
      {CURLE_TOO_MANY_REDIRECTS, 301, false, ErrorKind::kRedirectLoop},
      {CURLE_BAD_CONTENT_ENCODING, 200, false, ErrorKind::kOther},
  };
  for (const Case& c : cases) {
    INFO("curl code " << c.code << " (" << curl_easy_strerror(c.code) << "), status " << c.status);
    CHECK(ClassifyTransfer(c.code, c.status, c.cap) == c.kind);
  }
}

TEST_CASE("Transfer error messages are curl's, except where they mislead", "[error_map]") {
  // curl 7.88 calls a header line over 100 KiB "Out of memory".
  CHECK(TransferErrorMessage(CURLE_OUT_OF_MEMORY, "", false) ==
        "response header too large (a header line over curl's limit of 100 KiB)");
  CHECK(TransferErrorMessage(CURLE_OUT_OF_MEMORY, "Out of memory", false) ==
        "response header too large (a header line over curl's limit of 100 KiB)");
  // Once the head is complete, it means what it says.
  CHECK(TransferErrorMessage(CURLE_OUT_OF_MEMORY, "", true) ==
        curl_easy_strerror(CURLE_OUT_OF_MEMORY));
  CHECK(TransferErrorMessage(CURLE_WEIRD_SERVER_REPLY, "Invalid Content-Length: value", false) ==
        "Invalid Content-Length: value");
  CHECK(TransferErrorMessage(CURLE_RECV_ERROR, "", true) == curl_easy_strerror(CURLE_RECV_ERROR));
}

TEST_CASE("An address the guard refused is blocked only if the connect failed",
          "[error_map]") {
  CHECK(ClassifyTransfer(CURLE_COULDNT_CONNECT, 0, false, true) == ErrorKind::kBlocked);
  CHECK(ClassifyTransfer(CURLE_COULDNT_CONNECT, 0, false, false) == ErrorKind::kConnect);
  CHECK(ClassifyTransfer(CURLE_OK, 200, false, true) == ErrorKind::kNone);
  CHECK(ClassifyTransfer(CURLE_OPERATION_TIMEDOUT, 0, false, true) == ErrorKind::kTimeout);
}

TEST_CASE("Error kinds have stable names and numbers", "[error_map]") {
  CHECK(ErrorKindName(ErrorKind::kInvalidUrl) == "invalid_url");
  CHECK(ErrorKindName(ErrorKind::kWorkerCrash) == "worker_crash");
  CHECK(static_cast<int>(ErrorKind::kOther) == 13);
  CHECK(ErrorKindName(ErrorKind::kRobots) == "robots");
  CHECK(ErrorKindName(ErrorKind::kOutOfScope) == "out_of_scope");
  CHECK(ErrorKindName(ErrorKind::kBlocked) == "blocked");
  CHECK(static_cast<int>(ErrorKind::kBlocked) == 16);
  CHECK(ErrorKindName(ErrorKind::kRobotsUnavailable) == "robots_unavailable");
  CHECK(static_cast<int>(ErrorKind::kRobotsUnavailable) == 17);
  CHECK(ErrorKindName(ErrorKind::kUnwantedType) == "unwanted_type");
  CHECK(static_cast<int>(ErrorKind::kUnwantedType) == 18);
  CHECK_FALSE(IsFailure(ErrorKind::kUnwantedType));
  CHECK(ErrorKindName(ErrorKind::kSitemap) == "sitemap");
  CHECK(static_cast<int>(ErrorKind::kSitemap) == 19);
  CHECK(IsFailure(ErrorKind::kSitemap));
  CHECK_FALSE(IsFailure(ErrorKind::kRobots));
  CHECK_FALSE(IsFailure(ErrorKind::kBlocked));
  CHECK(IsFailure(ErrorKind::kHttp));
  CHECK(IsFailure(ErrorKind::kRobotsUnavailable));
  CHECK(ErrorKindName(ErrorKind::kDuplicate) == "duplicate");
  CHECK(static_cast<int>(ErrorKind::kDuplicate) == 20);
  CHECK_FALSE(IsFailure(ErrorKind::kDuplicate));
  for (int i = 0; i <= 20; ++i) {
    auto kind = ErrorKindFromNumber(static_cast<std::uint8_t>(i));
    REQUIRE(kind);
    CHECK(ErrorKindFromName(ErrorKindName(*kind)) == kind);
  }
  CHECK_FALSE(ErrorKindFromNumber(21));
  CHECK_FALSE(ErrorKindFromName("nope"));
}

}  // namespace
}  // namespace forage
