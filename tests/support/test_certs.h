#pragma once

#include <string>
#include <vector>

namespace forage::test {

// PEM files for TLS tests, made with the `openssl` command line (EC P-256
// keys, unencrypted, valid ten years from now). Paths are absolute.
struct TestCerts {
  std::string dir;  // holds everything below

  // The CA tests trust (--cacert), its key, and a CApath directory (--capath)
  // holding only ca_cert under its subject-hash name (`openssl rehash`).
  std::string ca_cert, ca_key, ca_dir;

  // Signed by the CA, for serverAuth: SubjectAltName localhost, IP 127.0.0.1
  // and ::1, and every name in server_names. curl (and OpenSSL's own
  // check) ignore a wildcard over a single label, so "*.test" is listed but
  // matches nothing there: "*.forage.test" and the explicit *.test names are
  // the ones that work. Any other name (say unlisted.example, sent here with
  // --resolve) fails the host name check.
  std::string server_cert, server_key;
  std::vector<std::string> server_names;

  // Signed by the CA, for clientAuth (mutual TLS); client_pem is the
  // certificate followed by its key, for clients that take one file.
  std::string client_cert, client_key, client_pem;

  // An unrelated CA ("wrong CA refused") and a client certificate it signed
  // (a client certificate a --client-ca server must refuse).
  std::string other_ca_cert, other_ca_key;
  std::string other_client_cert, other_client_key;
};

// The certificates, made on the first call (some 10 openssl runs, each
// bounded to 20 s) in a temporary directory that is removed when the test
// process exits; later calls return the same files. Throws
// std::runtime_error with openssl's output if a step fails (a later call
// tries again).
const TestCerts& GetTestCerts();

// forage_test_server's flags serving HTTPS with certs.server_cert, and with
// `mutual` also demanding a client certificate signed by certs.ca_cert.
std::vector<std::string> TlsServerFlags(const TestCerts& certs, bool mutual = false);

}  // namespace forage::test
