#include "support/site_tree.h"

namespace forage::test {

std::string LinksTo(const std::vector<std::string>& paths) {
  std::string out = "/links?";
  for (const std::string& p : paths) out += "l=" + Escape(p) + "&";
  out.pop_back();
  return out;
}

std::vector<std::string> Tree(const TestServer& server, int lists, int per_list,
                              const std::function<std::string(int)>& leaf,
                              std::set<std::string>* urls) {
  std::vector<std::string> flags;
  for (int i = 0; i < lists; ++i) {
    std::vector<std::string> leaves;
    for (int j = 0; j < per_list; ++j) {
      leaves.push_back(leaf(per_list * i + j));
      urls->insert(server.Url(leaves.back()));
    }
    flags.push_back("--url");
    flags.push_back(server.Url(LinksTo(leaves)));
    urls->insert(flags.back());
  }
  return flags;
}

std::vector<std::string> PageTree(const TestServer& server, int lists, int per_list,
                                  std::set<std::string>* urls) {
  std::vector<std::string> flags = Tree(
      server, lists, per_list, [](int i) { return "/page/" + std::to_string(1000 + 3 * i); }, urls);
  for (int n = 1000; n < 1000 + 3 * lists * per_list; ++n) {
    urls->insert(server.Url("/page/" + std::to_string(n)));
  }
  return flags;
}

}  // namespace forage::test
