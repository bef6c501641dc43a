#include "support/test_certs.h"

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "support/child_process.h"
#include "support/find_program.h"
#include "support/forage_run.h"

namespace forage::test {
namespace {

using namespace std::chrono_literals;

// One file drives every step, so the host's openssl.cnf (its defaults and
// extensions) plays no part.
std::string Config(const std::vector<std::string>& names) {
  std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const std::string& name : names) san += ",DNS:" + name;
  return "[req]\n"
         "distinguished_name = dn\n"
         "prompt = no\n"
         "[dn]\n"
         "CN = unused\n"
         "[ca_ext]\n"
         "basicConstraints = critical,CA:TRUE\n"
         "keyUsage = critical,keyCertSign,cRLSign\n"
         "subjectKeyIdentifier = hash\n"
         "[server_ext]\n"
         "basicConstraints = critical,CA:FALSE\n"
         "keyUsage = critical,digitalSignature\n"
         "extendedKeyUsage = serverAuth\n"
         "subjectAltName = " +
         san +
         "\n"
         "subjectKeyIdentifier = hash\n"
         "authorityKeyIdentifier = keyid\n"
         "[client_ext]\n"
         "basicConstraints = critical,CA:FALSE\n"
         "keyUsage = critical,digitalSignature\n"
         "extendedKeyUsage = clientAuth\n"
         "subjectKeyIdentifier = hash\n"
         "authorityKeyIdentifier = keyid\n";
}

std::vector<std::string> ServerNames() {
  std::vector<std::string> names{"*.test", "*.forage.test"};
  for (const char* name : {"a", "b", "c", "d", "s", "ex", "other"}) {
    names.push_back(std::string(name) + ".test");
  }
  for (int i = 0; i < 16; ++i) names.push_back("h" + std::to_string(i) + ".test");  // /grid
  return names;
}

class Maker {
 public:
  explicit Maker(const std::string& dir)
      : dir_(dir), openssl_(FindProgram("openssl", "FORAGE_OPENSSL")) {
    if (!IsExecutable(openssl_)) throw std::runtime_error("no openssl program on $PATH");
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void Run(std::vector<std::string> args) {
    args.insert(args.begin(), openssl_);
    ChildProcess child(args);
    child.CloseStdin();
    std::optional<int> status = child.Wait(20s);
    if (status != 0) {
      std::string command;
      for (const std::string& arg : args) command += arg + " ";
      throw std::runtime_error(
          "test certificates: `" + command + "` " +
          (status ? "exited with " + std::to_string(*status) : std::string("took over 20 s")) +
          "\n" + child.out() + child.err());
    }
  }

  // A self-signed CA: NAME.pem and NAME.key.
  void Ca(const std::string& name, const std::string& subject) {
    Run({"req", "-config", Path("openssl.cnf"), "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:P-256", "-nodes", "-keyout", Path(name + ".key"), "-out",
         Path(name + ".pem"), "-days", "3650", "-subj", subject, "-extensions", "ca_ext"});
  }

  // NAME.pem and NAME.key, signed by CA.pem/CA.key with the config's `extensions`.
  void Leaf(const std::string& name, const std::string& subject, const std::string& ca,
            const std::string& extensions) {
    Run({"req", "-config", Path("openssl.cnf"), "-new", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:P-256", "-nodes", "-keyout", Path(name + ".key"), "-out",
         Path(name + ".csr"), "-subj", subject});
    Run({"x509", "-req", "-in", Path(name + ".csr"), "-CA", Path(ca + ".pem"), "-CAkey",
         Path(ca + ".key"), "-set_serial", std::to_string(++serial_), "-days", "3650", "-extfile",
         Path("openssl.cnf"), "-extensions", extensions, "-out", Path(name + ".pem")});
  }

 private:
  std::string dir_;
  std::string openssl_;
  int serial_ = 1;
};

TestCerts Make(const TempDir& dir) {
  TestCerts certs;
  certs.dir = dir.path();
  certs.server_names = ServerNames();
  dir.Write("openssl.cnf", Config(certs.server_names));
  Maker make(dir.path());
  make.Ca("ca", "/CN=forage test CA");
  make.Ca("other_ca", "/CN=forage unrelated CA");
  make.Leaf("server", "/CN=localhost", "ca", "server_ext");
  make.Leaf("client", "/CN=forage test client", "ca", "client_ext");
  make.Leaf("other_client", "/CN=forage unrelated client", "other_ca", "client_ext");

  certs.ca_cert = make.Path("ca.pem");
  certs.ca_key = make.Path("ca.key");
  certs.ca_dir = make.Path("ca_dir");
  std::filesystem::create_directory(certs.ca_dir);
  std::filesystem::copy_file(certs.ca_cert, certs.ca_dir + "/ca.pem");
  make.Run({"rehash", certs.ca_dir});

  certs.server_cert = make.Path("server.pem");
  certs.server_key = make.Path("server.key");
  certs.client_cert = make.Path("client.pem");
  certs.client_key = make.Path("client.key");
  certs.client_pem =
      dir.Write("client_with_key.pem", ReadFile(certs.client_cert) + ReadFile(certs.client_key));
  certs.other_ca_cert = make.Path("other_ca.pem");
  certs.other_ca_key = make.Path("other_ca.key");
  certs.other_client_cert = make.Path("other_client.pem");
  certs.other_client_key = make.Path("other_client.key");
  return certs;
}

}  // namespace

const TestCerts& GetTestCerts() {
  // Made once per test process: the directory lives until static destruction.
  static std::unique_ptr<TempDir> dir;
  static std::unique_ptr<TestCerts> certs;
  if (!certs) {
    auto fresh_dir = std::make_unique<TempDir>();
    auto fresh = std::make_unique<TestCerts>(Make(*fresh_dir));
    dir = std::move(fresh_dir);
    certs = std::move(fresh);
  }
  return *certs;
}

std::vector<std::string> TlsServerFlags(const TestCerts& certs, bool mutual) {
  std::vector<std::string> flags{"--tls", certs.server_cert, certs.server_key};
  if (mutual) {
    flags.push_back("--client-ca");
    flags.push_back(certs.ca_cert);
  }
  return flags;
}

}  // namespace forage::test
