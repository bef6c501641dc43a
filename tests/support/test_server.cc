// forage_test_server: a local HTTP server for the integration tests.
//
// Listens on 127.0.0.1 on an ephemeral port and prints "PORT <n>" on stdout
// once it accepts connections: reading that line is the tests' only
// synchronisation. It then prints "HELD <path>" whenever a /hold/ request
// arrives, and with --log-requests "GOT <path>" for every request. A line
// "release" on stdin answers every held request (and all later ones) at once;
// EOF on stdin stops the server.
//
// Routes:
//   /page/N            HTML page "Page N" linking to N+1, N+2 and odd forms
//   /status/N          that status with a small HTML body
//   /redirect/N        302 chain down to /redirect/0, which goes to /page/1
//   /loop/a, /loop/b   302 to each other
//   /redirect-ftp      302 to ftp://127.0.0.1/x
//   /stall             answers only when the server stops (for --timeout)
//   /big?bytes=N       N bytes with Content-Length
//   /chunked?bytes=N   N bytes, chunked
//   /short             promises 1000 bytes, sends 100, closes
//   /bomb              gzip member inflating to 256 MiB of zeros (~250 KiB)
//   /binary            4 KiB of bytes as application/octet-stream
//   /hold/ID           waits for "release" on stdin
//   /no-type           an HTML page served without Content-Type
//   /deflate           a page sent with Content-Encoding: deflate (zlib)
//   /ua                a page whose title is the request's User-Agent

#include <httplib.h>
#include <zlib.h>

#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace {

std::mutex g_mu;
std::condition_variable g_cv;
bool g_released = false;
bool g_stopping = false;
bool g_log_requests = false;

void Say(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

std::string PageHtml(int n) {
  std::string s = "<!DOCTYPE html>\n<html><head>\n  <title>\n   Page " + std::to_string(n) +
                  "\n  </title>\n  <meta name=\"Description\" content=\"About page " +
                  std::to_string(n) + "\">\n</head><body>\n<h1>Page " + std::to_string(n) +
                  "</h1>\n<p>Some text &amp; more.</p>\n";
  s += "<a href=\"/page/" + std::to_string(n + 1) + "\">next</a>\n";
  s += "<a href=\"" + std::to_string(n + 2) + "#section\">relative with fragment</a>\n";
  s += "<a href=\"./" + std::to_string(n + 1) + "\">duplicate of next</a>\n";
  s += "<a href=\"#top\">self fragment</a>\n";
  s += "<a href=\"mailto:someone@example.com\">mail</a>\n";
  s += "<a href=\"javascript:void(0)\">js</a>\n";
  s += "</body></html>\n";
  return s;
}

const std::string& BombBody() {
  static std::string body = [] {
    std::string zeros(1 << 20, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16 /* gzip */, 9, Z_DEFAULT_STRATEGY);
    std::string out;
    char buf[1 << 16];
    for (int i = 0; i < 256; ++i) {
      z.next_in = reinterpret_cast<Bytef*>(zeros.data());
      z.avail_in = static_cast<uInt>(zeros.size());
      int flush = i == 255 ? Z_FINISH : Z_NO_FLUSH;
      do {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        deflate(&z, flush);
        out.append(buf, sizeof buf - z.avail_out);
      } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    return out;
  }();
  return body;
}

std::size_t BytesParam(const httplib::Request& req) {
  return req.has_param("bytes") ? std::stoul(req.get_param_value("bytes")) : 1000;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--log-requests") g_log_requests = true;
  }
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(96); };
  server.set_keep_alive_max_count(1000);
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if (g_log_requests) Say("GOT " + req.path);
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.Get(R"(/page/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(PageHtml(std::stoi(req.matches[1])), "text/html; charset=utf-8");
  });
  server.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content("<html><title>status " + std::string(req.matches[1]) + "</title></html>",
                    "text/html");
  });
  server.Get(R"(/redirect/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    int n = std::stoi(req.matches[1]);
    res.set_redirect(n == 0 ? "/page/1" : "/redirect/" + std::to_string(n - 1), 302);
  });
  server.Get("/loop/a", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/loop/b", 302);
  });
  server.Get("/loop/b", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/loop/a", 302);
  });
  server.Get("/redirect-ftp", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("ftp://127.0.0.1/x", 302);
  });
  server.Get("/stall", [](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(g_mu);
    g_cv.wait_for(lock, std::chrono::seconds(60), [] { return g_stopping; });
    res.set_content("late", "text/plain");
  });
  server.Get("/big", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::string(BytesParam(req), 'x'), "text/plain");
  });
  server.Get("/chunked", [](const httplib::Request& req, httplib::Response& res) {
    std::size_t total = BytesParam(req);
    res.set_chunked_content_provider(
        "text/html", [total, sent = std::size_t{0}](std::size_t, httplib::DataSink& sink) mutable {
          std::string chunk(std::min<std::size_t>(64 * 1024, total - sent), 'y');
          sent += chunk.size();
          if (!sink.write(chunk.data(), chunk.size())) return false;
          if (sent >= total) sink.done();
          return true;
        });
  });
  server.Get("/short", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(1000, "text/plain",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;  // drop the connection
                               std::string part(100, 's');
                               sink.write(part.data(), part.size());
                               return true;
                             });
  });
  server.Get("/bomb", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(BombBody(), "text/html");
  });
  server.Get("/binary", [](const httplib::Request&, httplib::Response& res) {
    std::string bytes(4096, '\0');
    std::mt19937 rng(42);
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    res.set_content(bytes, "application/octet-stream");
  });
  server.Get(R"(/hold/(.+))", [](const httplib::Request& req, httplib::Response& res) {
    Say("HELD " + req.path);
    std::unique_lock<std::mutex> lock(g_mu);
    g_cv.wait_for(lock, std::chrono::seconds(60), [] { return g_released || g_stopping; });
    res.set_content("<html><title>held " + std::string(req.matches[1]) + "</title></html>",
                    "text/html");
  });
  server.Get("/no-type", [](const httplib::Request&, httplib::Response& res) {
    // httplib labels any plain body text/plain; a provider with an empty
    // type sends "Content-Type:" with no value, which clients treat as none.
    static const std::string body =
        "<!DOCTYPE html><html><title>untyped</title><a href=/page/1>x</a></html>";
    res.set_content_provider(body.size(), "",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               sink.write(body.data() + offset, body.size() - offset);
                               return true;
                             });
  });

  server.Get("/deflate", [](const httplib::Request&, httplib::Response& res) {
    std::string page = "<title>deflated</title>" + std::string(10000, 'd');
    uLongf size = compressBound(page.size());
    std::string packed(size, '\0');
    compress2(reinterpret_cast<Bytef*>(packed.data()), &size,
              reinterpret_cast<const Bytef*>(page.data()), page.size(), 9);
    packed.resize(size);
    res.set_header("Content-Encoding", "deflate");
    res.set_content(packed, "text/html");
  });
  server.Get("/ua", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("<title>" + req.get_header_value("User-Agent") + "</title>", "text/html");
  });

  int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "forage_test_server: cannot bind 127.0.0.1\n");
    return 1;
  }
  std::thread control([&server] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line == "release") {
        std::lock_guard<std::mutex> lock(g_mu);
        g_released = true;
        g_cv.notify_all();
      }
    }
    {
      std::lock_guard<std::mutex> lock(g_mu);
      g_stopping = true;
      g_cv.notify_all();
    }
    server.stop();
  });
  // bind_to_any_port has already called listen(): connections queue from
  // now on, so the port can be announced before the accept loop starts.
  Say("PORT " + std::to_string(port));
  server.listen_after_bind();
  control.join();
  return 0;
}
