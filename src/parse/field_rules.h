#pragma once

#include <string>
#include <vector>

#include "forage/fetch_settings.h"
#include "forage/status.h"
#include "parse/selector.h"

namespace forage {

// A --select rule ready to match.
struct CompiledField {
  std::string name;
  Selector selector;
  std::string attr;  // empty: the element's text
};

// The one place --select rules are compiled: the command line, the config
// file, ValidateOptions, the fetchers and ExtractHtml all go through here.
// Fails with the selector parser's message prefixed by the rule's name, as
// the setting names it: `select NAME: bad selector "div >": ...`. Callers
// that speak in the command's flags put "--" in front.
Result<CompiledField> CompileFieldRule(const FieldRule& rule);

// Every rule, in order; fails on the first that does not compile.
Result<std::vector<CompiledField>> CompileFieldRules(const std::vector<FieldRule>& rules);

}  // namespace forage
