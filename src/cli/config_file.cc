#include "cli/config_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli/cli_options.h"

namespace forage {
namespace {

std::string Where(const std::string& path, const toml::node& node, const std::string& key) {
  return path + ":" + std::to_string(node.source().begin.line) + ": " + key + ": ";
}

// A scalar's text for the command line; nullopt for tables, arrays, dates.
std::optional<std::string> ScalarText(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) {
    std::ostringstream out;
    out << *node.value<double>();
    return out.str();
  }
  return std::nullopt;
}

// A duration in a host table: seconds as a number, or a string with a
// unit ("500ms", "2s", "1m").
Result<std::chrono::milliseconds> DurationOf(const toml::node& node) {
  if (node.is_integer() || node.is_floating_point()) {
    const double s = node.is_integer() ? static_cast<double>(*node.value<std::int64_t>())
                                       : *node.value<double>();
    if (!(s >= 0 && s <= 86400.0 * 365)) {
      return Status::InvalidArgument("must be 0 or more seconds, and less than a year");
    }
    return std::chrono::milliseconds(static_cast<long long>(std::llround(s * 1000)));
  }
  if (node.is_string()) return ParseDuration(*node.value<std::string>());
  return Status::InvalidArgument("must be a number of seconds or a string such as \"500ms\"");
}

// One [hosts."PATTERN"] table.
Result<HostSettings> HostTable(const std::string& path, std::string_view pattern,
                               const toml::table& table) {
  HostSettings host;
  host.pattern = std::string(pattern);
  const std::string prefix = "hosts.\"" + host.pattern + "\".";
  for (auto&& [raw_key, value] : table) {
    // Named references: clang 14 lets no lambda capture a structured binding.
    const toml::node& node = value;
    const std::string given(raw_key.str());
    std::string key = given;
    std::replace(key.begin(), key.end(), '_', '-');
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(Where(path, node, prefix + given) + why);
    };
    auto text = [&]() -> Result<std::string> {
      if (!node.is_string()) return bad("must be a string");
      return *node.value<std::string>();
    };
    if (key == "per-host") {
      const std::optional<std::int64_t> n = node.is_integer() ? node.value<std::int64_t>() : std::nullopt;
      if (!n || *n < 1 || *n > 1000) return bad("must be a whole number from 1 to 1000");
      host.per_host = static_cast<int>(*n);
    } else if (key == "delay" || key == "timeout") {
      Result<std::chrono::milliseconds> d = DurationOf(node);
      if (!d.ok()) return bad(d.status().message());
      (key == "delay" ? host.delay : host.timeout) = d.value();
    } else if (key == "headers") {
      const toml::array* lines = node.as_array();
      if (!lines) return bad("must be an array of \"Name: value\" strings");
      for (const toml::node& line : *lines) {
        if (!line.is_string()) return bad("must hold strings (\"Name: value\")");
        host.headers.push_back(*line.value<std::string>());
      }
    } else if (key == "user-agent" || key == "cookie" || key == "user" || key == "bearer" ||
               key == "auth") {
      Result<std::string> value = text();
      if (!value.ok()) return value.status();
      if (key == "user-agent") host.user_agent = value.value();
      if (key == "cookie") host.credentials.cookie = value.value();
      if (key == "user") host.credentials.user = value.value();
      if (key == "bearer") host.credentials.bearer = value.value();
      if (key == "auth") {
        const std::string& a = value.value();
        if (a != "basic" && a != "digest" && a != "any") return bad("must be basic, digest or any");
        host.credentials.auth = a == "digest" ? HttpAuth::kDigest
                                : a == "any"  ? HttpAuth::kAny
                                              : HttpAuth::kBasic;
      }
    } else {
      return bad("no such host setting (per-host, delay, timeout, headers, user-agent, cookie, "
                 "user, auth, bearer)");
    }
  }
  return host;
}

}  // namespace

Result<ConfigArgs> LoadConfigFile(const std::string& path, const CLI::App& app) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::InvalidArgument(path + ":" + std::to_string(where.line) + ":" +
                                   std::to_string(where.column) + ": " +
                                   std::string(e.description()));
  }
  ConfigArgs out;
  for (auto&& [raw_key, node] : root) {
    std::string key(raw_key.str());
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    const int line = static_cast<int>(node.source().begin.line);
    if (name == "select") {
      const toml::table* fields = node.as_table();
      if (!fields)
        return Status::InvalidArgument(Where(path, node, key) +
                                       "must be a table of NAME = \"CSS\"");
      for (auto&& [field, css] : *fields) {
        std::optional<std::string> text = css.is_string() ? ScalarText(css) : std::nullopt;
        if (!text) {
          return Status::InvalidArgument(Where(path, css, "select." + std::string(field.str())) +
                                         "must be a string (\"CSS\" or \"CSS@attr\")");
        }
        // The rule reaches the option parser as a C string, which a NUL (TOML
        // allows "\u0000") would cut short; CSS reads U+0000 as U+FFFD anyway
        // (CSS Syntax 3.3), so that is what the selector gets.
        std::string rule;
        for (const char c : *text) {
          if (c == '\0') {
            rule += "\xEF\xBF\xBD";
          } else {
            rule += c;
          }
        }
        rule = std::string(field.str()) + "=" + rule;
        out.args.push_back("--select");
        out.args.push_back(rule);
        out.origins.push_back({"--select", "select." + std::string(field.str()),
                               static_cast<int>(css.source().begin.line), rule});
      }
      continue;
    }
    if (name == "hosts") {
      const toml::table* tables = node.as_table();
      if (!tables) {
        return Status::InvalidArgument(Where(path, node, key) +
                                       "must be tables: [hosts.\"PATTERN\"]");
      }
      for (auto&& [pattern, table] : *tables) {
        const toml::table* settings = table.as_table();
        if (!settings) {
          return Status::InvalidArgument(Where(path, table, "hosts." + std::string(pattern.str())) +
                                         "must be a table of host settings");
        }
        Result<HostSettings> host = HostTable(path, pattern.str(), *settings);
        if (!host.ok()) return host.status();
        out.hosts.push_back(std::move(host).value());
      }
      continue;
    }
    if (name == "headers") name = "header";
    if (name == "input") {
      const toml::array* files = node.as_array();
      if (!files)
        return Status::InvalidArgument(Where(path, node, key) + "must be an array of file names");
      for (const toml::node& file : *files) {
        if (!file.is_string())
          return Status::InvalidArgument(Where(path, file, key) + "must hold strings");
        std::string name = *file.value<std::string>();
        // A name that looks like an option ("--version", "-x.txt") must stay
        // a file to the command-line parser; "./" names the same file.
        if (name.size() > 1 && name[0] == '-') name = "./" + name;
        out.args.push_back(std::move(name));
      }
      continue;
    }
    const CLI::Option* option = name == "config" || name == "help" || name == "version"
                                    ? nullptr
                                    : app.get_option_no_throw("--" + name);
    if (!option) return Status::InvalidArgument(Where(path, node, key) + "no such option");
    const std::string flag = "--" + name;
    if (option->get_expected_max() == 0) {  // a flag
      if (!node.is_boolean())
        return Status::InvalidArgument(Where(path, node, key) + "must be true or false");
      if (*node.value<bool>()) out.args.push_back(flag);
      out.origins.push_back({flag, key, line, ""});
      continue;
    }
    std::vector<const toml::node*> values;
    if (const toml::array* list = node.as_array()) {
      static const char* const kRepeatable[] = {"--url",         "--include",    "--exclude",
                                                "--resolve",     "--select",     "--header",
                                                "--accept-type", "--follow",     "--strip-query"};
      if (std::find(std::begin(kRepeatable), std::end(kRepeatable), flag) ==
          std::end(kRepeatable)) {
        return Status::InvalidArgument(Where(path, node, key) + "takes one value, not an array");
      }
      for (const toml::node& item : *list) values.push_back(&item);
    } else {
      values.push_back(&node);
    }
    // Options whose values are names, paths or patterns: a number there is
    // a mistake (`state = 5` would make a file named 5).
    static const char* const kStringOnly[] = {
        "--output",     "--state",     "--stats",       "--lock",       "--user-agent",
        "--url",        "--include",   "--exclude",     "--resolve",    "--format",
        "--scope",      "--log-level", "--frontier",    "--header",     "--cookie",
        "--cookie-jar", "--user",      "--auth",        "--bearer",     "--netrc-file",
        "--proxy",      "--noproxy",   "--cacert",      "--capath",     "--client-cert",
        "--client-key", "--save",      "--accept-type", "--strip-query",
        "--follow"};
    const bool string_only =
        std::find(std::begin(kStringOnly), std::end(kStringOnly), flag) != std::end(kStringOnly);
    const bool one_by_one = flag == "--include" || flag == "--exclude" || flag == "--strip-query";
    for (const toml::node* value : values) {
      if (string_only && !value->is_string()) {
        return Status::InvalidArgument(Where(path, *value, key) + "must be a string");
      }
      std::optional<std::string> text = ScalarText(*value);
      if (!text)
        return Status::InvalidArgument(Where(path, *value, key) + "must be a string or a number");
      out.args.push_back(flag);
      out.args.push_back(*text);
      if (one_by_one) {
        out.origins.push_back({flag, key, static_cast<int>(value->source().begin.line), *text});
      }
    }
    if (!one_by_one) out.origins.push_back({flag, key, line, ""});
  }
  return out;
}

}  // namespace forage
