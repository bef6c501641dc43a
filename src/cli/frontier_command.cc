#include "cli/frontier_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/exit_status.h"
#include "crawl/shared_crawl_admin.h"
#include "forage/options.h"

namespace forage {
namespace {

int Fail(const Status& st) {
  std::fprintf(stderr, "forage: error: %s\n", st.message().c_str());
  return st.IsBusy() ? kExitLocked : kExitUsage;
}

std::string StatusText(const SharedCrawlStatus& s, const std::string& crawl,
                       const std::string& where) {
  const std::uint64_t to_go = s.admitted > s.done ? s.admitted - s.done : 0;
  std::string out = "crawl " + crawl + " at " + where + ": " + std::to_string(s.admitted) +
                    " admitted, " + std::to_string(s.done) + " recorded, " + std::to_string(to_go) +
                    " to go (" + std::to_string(s.queued) + " queued, " + std::to_string(s.leased) +
                    " leased, " + std::to_string(s.retrying) + " waiting to retry)";
  if (s.reclaimed) {
    out += "; " + std::to_string(s.reclaimed) + " lease(s) taken back from nodes that died";
  }
  out += "\nsettings:";
  for (const auto& [key, value] : s.settings) {
    if (key == "epoch" || key == "created_ms") continue;
    std::string shown = value;
    for (char& c : shown) {
      if (c == '\n') c = ',';
    }
    out += " " + key + "=" + shown;
  }
  out += "\nnodes:\n";
  for (const SharedCrawlStatus::Node& n : s.nodes) {
    char line[512];
    std::snprintf(
        line, sizeof line, "  %-24s %-5s %6llu leased %9llu records %6llu unpublished%s\n",
        n.id.c_str(), n.alive ? "live" : "gone", static_cast<unsigned long long>(n.leases),
        static_cast<unsigned long long>(n.records), static_cast<unsigned long long>(n.unpublished),
        n.reading_input ? "  reading input" : "");
    out += line;
  }
  out += "hosts with URLs queued: " + std::to_string(s.host_count) + "\n";
  for (const auto& [host, queued] : s.hosts) {
    out += "  " + host + " " + std::to_string(queued) + "\n";
  }
  return out;
}

std::string StatusJson(const SharedCrawlStatus& s, const std::string& crawl) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const SharedCrawlStatus::Node& n : s.nodes) {
    nodes.push_back({{"id", n.id},
                     {"alive", n.alive},
                     {"leased", n.leases},
                     {"records", n.records},
                     {"unpublished", n.unpublished},
                     {"reading_input", n.reading_input}});
  }
  nlohmann::json hosts = nlohmann::json::object();
  for (const auto& [host, queued] : s.hosts) hosts[host] = queued;
  nlohmann::json settings = nlohmann::json::object();
  for (const auto& [key, value] : s.settings) {
    if (key != "epoch" && key != "created_ms") settings[key] = value;
  }
  nlohmann::json j = {{"crawl", crawl},           {"admitted", s.admitted},
                      {"done", s.done},           {"queued", s.queued},
                      {"leased", s.leased},       {"retrying", s.retrying},
                      {"reclaimed", s.reclaimed}, {"nodes", nodes},
                      {"hosts", hosts},           {"host_count", s.host_count},
                      {"settings", settings}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

int RunFrontierCommand(int argc, const char* const* argv) {
  CLI::App app("forage frontier: look at or delete a crawl shared through Redis (--frontier)",
               "forage frontier");
  app.require_subcommand(1);
  CrawlOptions o;
  std::size_t top_hosts = 20;
  bool json = false, force = false;
  auto common = [&](CLI::App* sub) {
    sub->add_option("--frontier", o.frontier, "Redis: redis://HOST:PORT[/DB] or unix:///PATH")
        ->required()
        ->type_name("URL");
    sub->add_option("--crawl-id", o.crawl_id, "the crawl's name")->required()->type_name("NAME");
  };
  CLI::App* status = app.add_subcommand("status", "the crawl's counters, nodes and hosts");
  common(status);
  status->add_option("--hosts", top_hosts, "list this many hosts with the most URLs queued")
      ->capture_default_str();
  status->add_flag("--json", json, "print one JSON object");
  CLI::App* remove = app.add_subcommand(
      "delete", "delete the crawl's keys (refused while a node runs or records wait unpublished)");
  common(remove);
  remove->add_flag("--force", force, "delete even then");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "forage frontier: error: %s\n", e.what());
    return kExitUsage;
  }
  o.fetch.user_agent = "forage";
  if (Status st = ValidateOptions(o); !st.ok()) return Fail(st);
  auto address = redis::ParseAddress(o.frontier);
  if (!address.ok()) return Fail(address.status().Prefixed("--frontier"));
  auto conn = redis::Connection::Open(address.value(), std::chrono::seconds(5));
  if (!conn.ok()) return Fail(conn.status().Prefixed("--frontier: cannot reach Redis"));
  if (status->parsed()) {
    auto s = ReadSharedCrawl(*conn.value(), o.crawl_id, top_hosts);
    if (!s.ok()) return Fail(s.status());
    const std::string text = json ? StatusJson(s.value(), o.crawl_id)
                                  : StatusText(s.value(), o.crawl_id, address.value().display);
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  auto deleted = DeleteSharedCrawl(*conn.value(), o.crawl_id, force);
  if (!deleted.ok()) return Fail(deleted.status());
  std::printf("deleted crawl %s: %llu key(s)\n", o.crawl_id.c_str(),
              static_cast<unsigned long long>(deleted.value()));
  return kExitOk;
}

}  // namespace forage
