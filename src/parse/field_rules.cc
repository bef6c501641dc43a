#include "parse/field_rules.h"

#include <utility>

namespace forage {

Result<CompiledField> CompileFieldRule(const FieldRule& rule) {
  Result<Selector> selector = Selector::Parse(rule.css);
  if (!selector.ok()) {
    return Status::InvalidArgument("select " + rule.name + ": " + selector.status().message());
  }
  return CompiledField{rule.name, std::move(selector).value(), rule.attr};
}

Result<std::vector<CompiledField>> CompileFieldRules(const std::vector<FieldRule>& rules) {
  std::vector<CompiledField> fields;
  fields.reserve(rules.size());
  for (const FieldRule& rule : rules) {
    Result<CompiledField> field = CompileFieldRule(rule);
    if (!field.ok()) return field.status();
    fields.push_back(std::move(field).value());
  }
  return fields;
}

}  // namespace forage
