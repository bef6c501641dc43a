#include "crawl/canonical_duplicate.h"

#include <catch2/catch.hpp>

#include "core/url.h"

namespace forage {
namespace {

Record Page(const char* final_url, std::optional<std::string> canonical) {
  Record r;
  r.final_url = final_url;
  r.status = 200;
  r.canonical = std::move(canonical);
  return r;
}

Job JobFor(const char* input) {
  Job job;
  job.input = input;
  return job;
}

TEST_CASE("A page's canonical URL is another only if it is none of the page's own URLs",
          "[canonical_duplicate]") {
  struct Case {
    const char* input;
    const char* final_url;
    std::optional<std::string> canonical;
    std::optional<std::string> other;
  };
  const Case cases[] = {
      {"https://h/a", "https://h/a", std::nullopt, std::nullopt},
      {"https://h/a", "https://h/a", "https://h/a", std::nullopt},
      {"https://h/a", "https://h/a", "HTTPS://H:443/a", std::nullopt},
      {"https://h/a", "https://h/a", "https://h/b", "https://h/b"},
      {"https://h/a?utm=1", "https://h/a?utm=1", "https://h/a", "https://h/a"},
      {"https://h/a/", "https://h/a/", "https://h/a", "https://h/a"},
      {"http://h/a", "http://h/a", "https://h/a", "https://h/a"},
      // Named by the URL it was asked by, before a redirect.
      {"https://h/old", "https://h/new", "https://h/old", std::nullopt},
      {"https://h/a", "https://h/a", "ftp://h/a", std::nullopt},
  };
  for (const Case& c : cases) {
    INFO(c.input << " " << c.final_url << " " << c.canonical.value_or("-"));
    CHECK(OtherCanonical(JobFor(c.input), Page(c.final_url, c.canonical)) == c.other);
  }
}

TEST_CASE("A URL of the page's redirect chain is the page's own", "[canonical_duplicate]") {
  Job job = JobFor("https://h/1");
  job.current_url = "https://h/3";
  job.chain = {UrlFingerprint(Canonicalize("https://h/1")->url),
               UrlFingerprint(Canonicalize("https://h/2")->url)};
  CHECK_FALSE(OtherCanonical(job, Page("https://h/3", "https://h/2")));
  CHECK(OtherCanonical(job, Page("https://h/3", "https://h/4")) == "https://h/4");
}

TEST_CASE("An error's record is never a duplicate", "[canonical_duplicate]") {
  Record r = Page("https://h/a", "https://h/b");
  r.error = RecordError{ErrorKind::kHttp, "HTTP 404"};
  CHECK_FALSE(OtherCanonical(JobFor("https://h/a"), r));
}

TEST_CASE("Only a canonical URL with a record of its own makes a duplicate",
          "[canonical_duplicate]") {
  CHECK(CanonicalHasRecord(Admission::kQueued));
  CHECK(CanonicalHasRecord(Admission::kSeen));
  CHECK(CanonicalHasRecord(Admission::kNotDue));
  for (Admission refused :
       {Admission::kEnded, Admission::kPageLimit, Admission::kTooDeep, Admission::kNotHttp,
        Admission::kBinary, Admission::kOutOfScope, Admission::kPatterns, Admission::kFiltered}) {
    CHECK_FALSE(CanonicalHasRecord(refused));
  }
  Record r = Page("https://h/a?x", "https://h/a");
  r.title = "kept";
  MarkDuplicate(&r);
  REQUIRE(r.error);
  CHECK(r.error->kind == ErrorKind::kDuplicate);
  CHECK(r.error->message == "duplicate of https://h/a");
  CHECK(r.canonical == "https://h/a");
  CHECK(r.title == "kept");
}

}  // namespace
}  // namespace forage
