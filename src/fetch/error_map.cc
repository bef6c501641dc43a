#include "fetch/error_map.h"

namespace forage {

ErrorKind ClassifyTransfer(CURLcode code, long http_status, bool body_cap_hit,
                           bool address_refused) {
  if (body_cap_hit) return ErrorKind::kTooLarge;
  if (address_refused && code == CURLE_COULDNT_CONNECT) return ErrorKind::kBlocked;
  switch (code) {
    case CURLE_OK:
      return http_status >= 400 ? ErrorKind::kHttp : ErrorKind::kNone;
    case CURLE_URL_MALFORMAT:
      return ErrorKind::kInvalidUrl;
    case CURLE_UNSUPPORTED_PROTOCOL:
      // Input schemes and redirect targets are checked before any request,
      // so from curl this means an answer that is not HTTP ("Received
      // HTTP/0.9 when not allowed"): a broken response.
    case CURLE_WEIRD_SERVER_REPLY:
      // An answer that is not valid HTTP ("Invalid Content-Length: value").
      return ErrorKind::kNetwork;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ErrorKind::kDns;
    case CURLE_COULDNT_CONNECT:
      return ErrorKind::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::kTimeout;
    case CURLE_GOT_NOTHING:   // empty reply
    case CURLE_SEND_ERROR:    // reset while sending
    case CURLE_RECV_ERROR:    // reset while receiving
    case CURLE_PARTIAL_FILE:  // body shorter than its Content-Length
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    // curl 7.88 reports a response header line (a Location too) over its
    // 100 KiB limit, CURL_MAX_HTTP_HEADER, as out of memory: a hostile
    // answer, far likelier in a fetcher than malloc failing.
    case CURLE_OUT_OF_MEMORY:
      return ErrorKind::kNetwork;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return ErrorKind::kTls;
    case CURLE_FILESIZE_EXCEEDED:
      return ErrorKind::kTooLarge;
    case CURLE_TOO_MANY_REDIRECTS:
      return ErrorKind::kRedirectLoop;
    default:
      return ErrorKind::kOther;
  }
}

std::string TransferErrorMessage(CURLcode code, const char* detail, bool head_complete) {
  if (code == CURLE_OUT_OF_MEMORY && !head_complete) {
    return "response header too large (a header line over curl's limit of 100 KiB)";
  }
  if (detail != nullptr && detail[0] != '\0') return detail;
  return curl_easy_strerror(code);
}

}  // namespace forage
