#include "conformance/suite.h"

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace forage::conformance {

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Differences> Differences::Load(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Differences differences;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text.value());
    for (const nlohmann::json& entry : doc.at("differences")) {
      differences
          .reasons_[{entry.at("suite").get<std::string>(), entry.at("case").get<std::string>()}] =
          entry.at("reason").get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt(path.string() + ": " + e.what());
  }
  return differences;
}

const std::string* Differences::Find(const std::string& suite, const std::string& id) {
  auto it = reasons_.find({suite, id});
  if (it == reasons_.end()) return nullptr;
  met_.insert(it->first);
  return &it->second;
}

std::vector<std::string> Differences::Unmet(const std::string& suite) const {
  std::vector<std::string> unmet;
  for (const auto& [key, reason] : reasons_) {
    if (key.first == suite && !met_.count(key)) unmet.push_back(key.second);
  }
  return unmet;
}

void Count(Group& group, Differences& differences, const std::string& suite, const std::string& id,
           bool passed, const std::string& detail) {
  if (passed) {
    ++group.passed;
  } else if (differences.Find(suite, id) != nullptr) {
    ++group.accepted;
  } else {
    ++group.failed;
    group.failures.push_back(id + ": " + detail);
  }
}

}  // namespace forage::conformance
