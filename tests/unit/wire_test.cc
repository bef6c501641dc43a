#include "ipc/wire.h"

#include <catch2/catch.hpp>

#include "forage/options.h"
#include "ipc/frame_buffer.h"

namespace forage {
namespace {

wire::FetchResult SampleResult() {
  wire::FetchResult r;
  r.id = 0x0102030405060708ull;
  r.error = ErrorKind::kTooLarge;
  r.error_message = "body larger than --max-bytes";
  r.status = 200;
  r.final_url = "https://example.com/final";
  r.content_type = "text/html; charset=utf-8";
  r.bytes = 1ull << 33;
  r.elapsed_ms = 1234;
  r.fetched_at_ms = 1'790'000'000'000;
  r.title = "T\xc3\xa9tle";
  r.description = std::string("with\0nul", 8);
  r.links = {"https://example.com/a", "", "https://example.com/b"};
  r.redirect_url = "https://example.com/next";
  r.retry_after_s = 120;
  r.body = "User-agent: *\nDisallow: /private\n";
  r.fields = {{"price", {"12,50 \xe2\x82\xac", ""}}, {"none", {}}};
  r.text = "Title\nBody text";
  r.etag = "W/\"abc-1\"";
  r.last_modified = "Sun, 06 Nov 1994 08:49:37 GMT";
  r.truncated = {"fields.price", "text"};
  return r;
}

TEST_CASE("Jobs and results survive a round trip", "[wire]") {
  std::string job_frame = wire::EncodeJob({42, wire::JobKind::kPage, "http://example.com/x"});
  std::optional<wire::FetchJob> job =
      wire::DecodeJob(std::string_view(job_frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(job);
  CHECK(job->id == 42);
  CHECK(job->url == "http://example.com/x");

  wire::FetchResult in = SampleResult();
  std::string frame = wire::EncodeResult(in);
  std::optional<wire::FetchResult> out =
      wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->id == in.id);
  CHECK(out->error == in.error);
  CHECK(out->error_message == in.error_message);
  CHECK(out->status == in.status);
  CHECK(out->final_url == in.final_url);
  CHECK(out->content_type == in.content_type);
  CHECK(out->bytes == in.bytes);
  CHECK(out->elapsed_ms == in.elapsed_ms);
  CHECK(out->fetched_at_ms == in.fetched_at_ms);
  CHECK(out->title == in.title);
  CHECK(out->description == in.description);
  CHECK(out->links == in.links);
  CHECK(out->truncated == in.truncated);
  CHECK(out->redirect_url == in.redirect_url);
  CHECK(out->retry_after_s == in.retry_after_s);
  CHECK(out->body == in.body);
  CHECK(out->fields == in.fields);
  CHECK(out->text == in.text);
  CHECK(out->etag == in.etag);
  CHECK(out->last_modified == in.last_modified);
}

TEST_CASE("A job's kind survives a round trip and an unknown kind does not decode", "[wire]") {
  std::string frame = wire::EncodeJob({7, wire::JobKind::kRobots, "http://h/robots.txt"});
  auto job = wire::DecodeJob(std::string_view(frame).substr(4));
  REQUIRE(job);
  CHECK(job->kind == wire::JobKind::kRobots);
  frame[4 + 1 + 8] = 9;  // type, id, then the kind byte
  CHECK_FALSE(wire::DecodeJob(std::string_view(frame).substr(4)));
}

TEST_CASE("A job's validators survive a round trip, empty or not", "[wire]") {
  struct Case {
    std::string if_none_match;
    std::string if_modified_since;
  };
  const Case cases[] = {
      {"", ""},
      {"\"abc\"", ""},
      {"", "Sun, 06 Nov 1994 08:49:37 GMT"},
      {"W/\"x\", \"y\"", "Sun, 06 Nov 1994 08:49:37 GMT"},
      {std::string("nul\0byte", 8), "\xff"},
  };
  for (const Case& c : cases) {
    INFO("If-None-Match '" << c.if_none_match << "', If-Modified-Since '" << c.if_modified_since
                           << "'");
    wire::FetchJob in{9, wire::JobKind::kPage, "http://h/p", c.if_none_match, c.if_modified_since};
    std::string frame = wire::EncodeJob(in);
    auto out = wire::DecodeJob(std::string_view(frame).substr(wire::kFrameHeaderBytes));
    REQUIRE(out);
    CHECK(out->id == 9);
    CHECK(out->url == "http://h/p");
    CHECK(out->if_none_match == c.if_none_match);
    CHECK(out->if_modified_since == c.if_modified_since);
  }
}

TEST_CASE("A result's ETag and Last-Modified survive a round trip, empty when absent", "[wire]") {
  wire::FetchResult in;
  in.id = 3;
  in.status = 304;
  in.etag = "\"p-v1\"";
  in.last_modified = "Thu, 01 Jan 2026 01:00:00 GMT";
  std::string frame = wire::EncodeResult(in);
  auto out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->status == 304);
  CHECK(out->etag == "\"p-v1\"");
  CHECK(out->last_modified == "Thu, 01 Jan 2026 01:00:00 GMT");
  CHECK(out->body.empty());

  std::string bare = wire::EncodeResult(wire::FetchResult{});
  auto none = wire::DecodeResult(std::string_view(bare).substr(wire::kFrameHeaderBytes));
  REQUIRE(none);
  CHECK(none->etag.empty());
  CHECK(none->last_modified.empty());
}

TEST_CASE("Frames of the layouts before validators do not decode", "[wire]") {
  // Type 3: the job as it was, u64 id, u8 kind, string url, and nothing after.
  std::string old_job("\x03", 1);
  old_job += std::string("\x2a\0\0\0\0\0\0\0", 8);  // id 42
  old_job += std::string("\0", 1);                  // page
  old_job += std::string("\x0a\0\0\0", 4) + "http://h/x";
  CHECK_FALSE(wire::DecodeJob(old_job));
  // The same bytes under the new type lack the validators.
  std::string truncated = old_job;
  truncated[0] = static_cast<char>(wire::MessageType::kJob);
  CHECK_FALSE(wire::DecodeJob(truncated));
  // With no flags, two empty validators and no cookie it is a valid new job.
  std::string current = truncated.substr(0, 1 + 8 + 1) + std::string(1, '\0') +
                        truncated.substr(1 + 8 + 1) + std::string(12, '\0');
  auto job = wire::DecodeJob(current);
  REQUIRE(job);
  CHECK(job->id == 42);
  CHECK(job->url == "http://h/x");

  // Type 5: a result payload whose type byte is the old one.
  std::string result = wire::EncodeResult(SampleResult()).substr(wire::kFrameHeaderBytes);
  REQUIRE(wire::DecodeResult(result));
  std::string old_result = result;
  for (char type : {5, 7, 10, 16, 21}) {
    old_result[0] = type;
    CHECK_FALSE(wire::DecodeResult(old_result));
  }
  // And the old layouts, which ended at the text or at the validators,
  // fail even under the new type.
  const std::size_t validators = 8 + SampleResult().etag.size() + SampleResult().last_modified.size();
  // (Each ends before the lists of what was cut, Set-Cookie values and
  // headers: 4 bytes each when empty.)
  CHECK_FALSE(wire::DecodeResult(result.substr(0, result.size() - 12 - validators)));
  for (std::size_t cut : {4, 8, 12, 16, 24}) {
    CHECK_FALSE(wire::DecodeResult(result.substr(0, result.size() - cut)));
  }
  CHECK(static_cast<int>(wire::MessageType::kJob) == 15);
  CHECK(static_cast<int>(wire::MessageType::kFetcherConfig) == 26);
  CHECK(static_cast<int>(wire::MessageType::kResult) == 25);
  CHECK(static_cast<int>(wire::MessageType::kWarcOpened) == 19);
}

TEST_CASE("A job's report flag survives a round trip, and the flagless layout does not decode",
          "[wire]") {
  for (bool report : {false, true}) {
    wire::FetchJob in{5, wire::JobKind::kPage, "http://h/p"};
    in.report_sent = report;
    std::string frame = wire::EncodeJob(in);
    auto out = wire::DecodeJob(std::string_view(frame).substr(wire::kFrameHeaderBytes));
    REQUIRE(out);
    CHECK(out->report_sent == report);
    CHECK(out->url == "http://h/p");
  }
  // Type 6: u64 id, u8 kind, then at once the url and the validators.
  std::string flagless("\x06", 1);
  flagless += std::string("\x2a\0\0\0\0\0\0\0", 8) + std::string("\0", 1);
  flagless += std::string("\x0a\0\0\0", 4) + "http://h/x" + std::string(8, '\0');
  CHECK_FALSE(wire::DecodeJob(flagless));
  flagless[0] = static_cast<char>(wire::MessageType::kJob);
  CHECK_FALSE(wire::DecodeJob(flagless));  // the url's length byte is no flag
  // Unknown flags are refused, not ignored.
  std::string frame = wire::EncodeJob({5, wire::JobKind::kPage, "http://h/p"});
  frame[wire::kFrameHeaderBytes + 1 + 8 + 1] = 4;
  CHECK_FALSE(wire::DecodeJob(std::string_view(frame).substr(wire::kFrameHeaderBytes)));
}

TEST_CASE("A job's trust and cookie survive a round trip", "[wire]") {
  for (bool trusted : {false, true}) {
    wire::FetchJob in{9, wire::JobKind::kPage, "https://h/p"};
    in.trusted = trusted;
    in.report_sent = true;
    in.cookie = trusted ? "a=1; b=2" : "";
    std::string frame = wire::EncodeJob(in);
    auto out = wire::DecodeJob(std::string_view(frame).substr(wire::kFrameHeaderBytes));
    REQUIRE(out);
    CHECK(out->trusted == trusted);
    CHECK(out->report_sent);
    CHECK(out->cookie == in.cookie);
  }
}

TEST_CASE("A result's Set-Cookie values and headers survive a round trip", "[wire]") {
  wire::FetchResult in = SampleResult();
  in.set_cookies = {"a=1; Path=/", "b=2"};
  in.headers = {{"content-type", "text/html"}, {"set-cookie", "a"}, {"x-two", "1"},
                {"x-two", "2"}};
  std::string frame = wire::EncodeResult(in);
  auto out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->set_cookies == in.set_cookies);
  CHECK(out->headers == in.headers);
}

TEST_CASE("A result's saved path survives a round trip, and type 16 had none", "[wire]") {
  wire::FetchResult in = SampleResult();
  in.saved = "out/example.com/docs%/index.html";
  std::string frame = wire::EncodeResult(in);
  std::string payload = frame.substr(wire::kFrameHeaderBytes);
  auto out = wire::DecodeResult(payload);
  REQUIRE(out);
  CHECK(out->saved == in.saved);
  CHECK(out->headers == in.headers);
  // The same result in type 16's layout: no saved path at its end.
  std::string old = wire::EncodeResult(SampleResult()).substr(wire::kFrameHeaderBytes);
  old.resize(old.size() - 4);
  old[0] = 16;
  CHECK_FALSE(wire::DecodeResult(old));
  CHECK(wire::DecodeResult(wire::EncodeResult(SampleResult()).substr(wire::kFrameHeaderBytes))
            ->saved.empty());
}

TEST_CASE("A sitemap job and its result's kind and lastmods survive a round trip", "[wire]") {
  std::string job_frame = wire::EncodeJob({3, wire::JobKind::kSitemap, "http://h/sitemap.xml"});
  auto job = wire::DecodeJob(std::string_view(job_frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(job);
  CHECK(job->kind == wire::JobKind::kSitemap);

  wire::FetchResult in = SampleResult();
  in.error = ErrorKind::kSitemap;
  in.sitemap_kind = 2;
  in.lastmods = {1'700'000'000'000, wire::kNoLastmod, -1000};
  std::string payload = wire::EncodeResult(in).substr(wire::kFrameHeaderBytes);
  auto out = wire::DecodeResult(payload);
  REQUIRE(out);
  CHECK(out->error == ErrorKind::kSitemap);
  CHECK(out->sitemap_kind == 2);
  CHECK(out->links == in.links);
  CHECK(out->lastmods == in.lastmods);
  CHECK(wire::EncodeResult(*out).substr(wire::kFrameHeaderBytes) == payload);

  // A page's result: kind 0 and no lastmods, 5 bytes before noindex and
  // canonical.
  wire::FetchResult plain = SampleResult();
  std::string page = wire::EncodeResult(plain).substr(wire::kFrameHeaderBytes);
  const std::size_t page_tail = 1 + 4 + plain.canonical.size();
  CHECK(page.substr(page.size() - page_tail - 5, 5) == std::string(5, '\0'));
  CHECK(wire::DecodeResult(page)->lastmods.empty());
  // A count of lastmods that is neither 0 nor the links' is refused; so is
  // an unknown sitemap kind. (After the lastmods: noindex and canonical.)
  const std::size_t tail = 1 + 4 + in.canonical.size();
  std::string wrong = payload;
  wrong[payload.size() - tail - 3 * 8 - 4] = 2;
  CHECK_FALSE(wire::DecodeResult(wrong));
  std::string kind = payload;
  kind[payload.size() - tail - 3 * 8 - 5] = 4;
  CHECK_FALSE(wire::DecodeResult(kind));
}

TEST_CASE("Lastmods are cut with the links they go with", "[wire]") {
  wire::FetchResult in;
  in.sitemap_kind = 1;
  const std::string link(1 << 20, 'l');
  for (int i = 0; i < 80; ++i) {
    in.links.push_back(link);
    in.lastmods.push_back(i);
  }
  auto out = wire::DecodeResult(wire::EncodeResult(in).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  REQUIRE(out->links.size() < 80);
  CHECK(out->lastmods.size() == out->links.size());
  CHECK(out->lastmods.back() == static_cast<std::int64_t>(out->links.size()) - 1);
  CHECK(out->truncated == std::vector<std::string>{"links"});
}

TEST_CASE("A result's WARC place survives a round trip, and a WARC file's opening", "[wire]") {
  wire::FetchResult in = SampleResult();
  in.warc.serial = 7;
  in.warc.offset = 1ull << 33;
  in.warc.length = 12345;
  in.warc_error = "write crawl-00007.warc.gz: No space left on device";
  std::string frame = wire::EncodeResult(in);
  auto out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->warc.serial == 7);
  CHECK(out->warc.offset == in.warc.offset);
  CHECK(out->warc.length == 12345);
  CHECK(out->warc_error == in.warc_error);
  std::string opened = wire::EncodeWarcOpened(42);
  CHECK(wire::DecodeWarcOpened(std::string_view(opened).substr(wire::kFrameHeaderBytes)) == 42u);
  CHECK_FALSE(wire::DecodeWarcOpened(std::string_view(frame).substr(wire::kFrameHeaderBytes)));
  CHECK_FALSE(wire::DecodeResult(std::string_view(opened).substr(wire::kFrameHeaderBytes)));
}

TEST_CASE("A result's sha256 and kept body survive a round trip", "[wire]") {
  wire::FetchResult in = SampleResult();
  in.sha256 = std::string(64, 'a');
  in.body = std::string("\x89PNG\0\r\n", 7);
  in.page_body = true;
  std::string frame = wire::EncodeResult(in);
  auto out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->sha256 == in.sha256);
  CHECK(out->page_body);
  CHECK(out->body == in.body);
  // An empty body kept is still a body; a result without one says so.
  in.body.clear();
  frame = wire::EncodeResult(in);
  out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->page_body);
  CHECK(out->body.empty());
  in.page_body = false;
  in.sha256.clear();
  frame = wire::EncodeResult(in);
  out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK_FALSE(out->page_body);
  CHECK(out->sha256.empty());
  // A flag past the known ones is corruption.
  std::string payload = frame.substr(wire::kFrameHeaderBytes);
  const std::size_t flags = 1 + 8 + 1 + 4 + in.error_message.size() + 4 + 4 + in.final_url.size() +
                            4 + in.content_type.size() + 8 + 8 + 8;
  REQUIRE(static_cast<std::uint8_t>(payload[flags]) == 3);  // title and description
  payload[flags] = 8;
  CHECK_FALSE(wire::DecodeResult(payload));
}

TEST_CASE("A kept body is never cut for the page data's budget", "[wire][heavy]") {
  // Links filling the whole budget and a body beside them: the body is
  // whole, the links are cut as always, and the frame fits the master's
  // buffer.
  wire::FetchResult in;
  in.id = 3;
  in.page_body = true;
  in.body = std::string(2u << 20, 'b');
  in.links.assign(5000, std::string(16u << 10, 'l'));  // 80 MiB of links
  std::string frame = wire::EncodeResult(in);
  CHECK(frame.size() <= wire::kFrameHeaderBytes + wire::kMaxResultBytes);
  CHECK(frame.size() > wire::kFrameHeaderBytes + wire::kMaxFrameBytes - (1u << 20));
  auto out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
  REQUIRE(out);
  CHECK(out->body == in.body);
  CHECK(out->links.size() < in.links.size());
  CHECK(out->truncated == std::vector<std::string>{"links"});
}

TEST_CASE("A request's sending survives a round trip, and other frames are not one", "[wire]") {
  const wire::RequestSent in{0x0102030405060708ull, 9'876'543'210'123};
  std::string frame = wire::EncodeSent(in);
  std::string_view payload = std::string_view(frame).substr(wire::kFrameHeaderBytes);
  auto out = wire::DecodeSent(payload);
  REQUIRE(out);
  CHECK(out->id == in.id);
  CHECK(out->sent_ns == in.sent_ns);
  for (std::size_t n = 0; n < payload.size(); ++n) CHECK_FALSE(wire::DecodeSent(payload.substr(0, n)));
  CHECK_FALSE(wire::DecodeSent(std::string(payload) + "x"));
  CHECK_FALSE(wire::DecodeResult(payload));
  CHECK_FALSE(wire::IsReady(payload));
  std::string result = wire::EncodeResult(SampleResult());
  CHECK_FALSE(wire::DecodeSent(std::string_view(result).substr(wire::kFrameHeaderBytes)));
  CHECK_FALSE(wire::DecodeSent(std::string_view(wire::EncodeReady()).substr(wire::kFrameHeaderBytes)));
}

TEST_CASE("Absent title and description stay absent", "[wire]") {
  wire::FetchResult in;
  in.id = 1;
  std::string frame = wire::EncodeResult(in);
  auto out = wire::DecodeResult(std::string_view(frame).substr(4));
  REQUIRE(out);
  CHECK_FALSE(out->title);
  CHECK_FALSE(out->description);
  CHECK(out->links.empty());
  CHECK(out->retry_after_s == -1);
}

TEST_CASE("Every truncation of a result fails to decode, never crashes", "[wire]") {
  std::string payload = wire::EncodeResult(SampleResult()).substr(wire::kFrameHeaderBytes);
  for (std::size_t n = 0; n < payload.size(); ++n) {
    INFO("first " << n << " bytes");
    CHECK_FALSE(wire::DecodeResult(std::string_view(payload).substr(0, n)));
  }
  CHECK_FALSE(wire::DecodeResult(payload + "x"));  // trailing garbage
  CHECK_FALSE(wire::DecodeJob(payload));           // wrong type
}

TEST_CASE("Corrupt counts and kinds are refused", "[wire]") {
  std::string payload = wire::EncodeResult(SampleResult()).substr(4);
  std::string bad_kind = payload;
  bad_kind[9] = static_cast<char>(200);  // error kind byte after type + id
  CHECK_FALSE(wire::DecodeResult(bad_kind));
  // A link count claiming billions of entries must not allocate them.
  wire::FetchResult none;
  std::string small = wire::EncodeResult(none).substr(4);
  for (int i = 1; i <= 4; ++i) small[small.size() - i] = '\xff';
  CHECK_FALSE(wire::DecodeResult(small));
}

TEST_CASE("FrameBuffer reassembles frames fed a byte at a time", "[wire]") {
  std::string stream;
  for (std::uint64_t id = 1; id <= 5; ++id)
    stream += wire::EncodeJob({id, wire::JobKind::kPage, "http://h/" + std::to_string(id)});
  FrameBuffer frames(1 << 20);
  std::uint64_t next = 1;
  for (char c : stream) {
    frames.Append(std::string_view(&c, 1));
    std::string_view payload;
    while (frames.Next(&payload) == FrameBuffer::State::kFrame) {
      auto job = wire::DecodeJob(payload);
      REQUIRE(job);
      CHECK(job->id == next++);
    }
  }
  CHECK(next == 6);
  CHECK(frames.PendingBytes() == 0);
}

TEST_CASE("FrameBuffer shows a torn frame as pending bytes", "[wire]") {
  std::string whole = wire::EncodeJob({1, wire::JobKind::kPage, "http://h/1"});
  std::string torn = wire::EncodeJob({2, wire::JobKind::kPage, "http://h/2"});
  FrameBuffer frames(1 << 20);
  frames.Append(whole + torn.substr(0, torn.size() - 3));
  std::string_view payload;
  REQUIRE(frames.Next(&payload) == FrameBuffer::State::kFrame);
  CHECK(wire::DecodeJob(payload)->id == 1);
  CHECK(frames.Next(&payload) == FrameBuffer::State::kNeedMore);
  CHECK(frames.PendingBytes() == torn.size() - 3);
}

TEST_CASE("FrameBuffer flags a length over its limit as corrupt", "[wire]") {
  FrameBuffer frames(100);
  frames.Append(std::string("\xff\xff\x00\x00", 4));
  std::string_view payload;
  CHECK(frames.Next(&payload) == FrameBuffer::State::kCorrupt);
}

TEST_CASE("A result with a huge link list is capped below the frame limit, and says so",
          "[wire]") {
  wire::FetchResult r;
  r.links.assign(5000, std::string(20000, 'l'));  // ~100 MB of links
  r.fields = {{"a", {"kept"}}, {"b", {}}};
  r.text = "kept too";
  std::string frame = wire::EncodeResult(r);
  CHECK(frame.size() <= wire::kFrameHeaderBytes + wire::kMaxFrameBytes);
  auto out = wire::DecodeResult(std::string_view(frame).substr(4));
  REQUIRE(out);
  CHECK(out->links.size() < 5000);
  CHECK_FALSE(out->links.empty());
  // What fitted after the links is whole: only the links were cut.
  CHECK(out->truncated == std::vector<std::string>{"links"});
}

TEST_CASE("A result over its frame is cut from the end, each part cut named in record order",
          "[wire][heavy]") {
  wire::FetchResult r;
  r.title = std::string(20u << 20, 't');
  r.description = std::string(20u << 20, 'd');
  r.links.assign(1000, std::string(10000, 'l'));                   // ~10 MB: fits
  r.fields = {{"small", {"x"}}, {"big", {std::string(20u << 20, 'f'), "y"}}};  // 20 MB: cut
  r.text = std::string(15u << 20, 'x');  // some 14 MiB left: cut
  r.truncated = {"links"};  // the extraction's own cut is kept
  std::string frame = wire::EncodeResult(r);
  CHECK(frame.size() <= wire::kFrameHeaderBytes + wire::kMaxFrameBytes);
  auto out = wire::DecodeResult(std::string_view(frame).substr(4));
  REQUIRE(out);
  CHECK(out->title == r.title);
  CHECK(out->description == r.description);
  CHECK(out->links.size() == 1000);
  REQUIRE(out->fields.size() == 2);
  CHECK(out->fields[0].second == std::vector<std::string>{"x"});
  CHECK(out->fields[1].second.empty());  // whole values only
  REQUIRE(out->text);
  CHECK(out->text->size() < r.text->size());
  CHECK(out->truncated == std::vector<std::string>{"links", "fields.big", "text"});

  // A title that cannot fit is cut on a character boundary.
  wire::FetchResult huge;
  huge.title = "a";
  for (int i = 0; i < (22 << 20); ++i) *huge.title += "\xe2\x82\xac";  // 66 MiB of euros
  huge.links = {"http://h/"};
  std::string cut = wire::EncodeResult(huge);
  auto back = wire::DecodeResult(std::string_view(cut).substr(4));
  REQUIRE(back);
  REQUIRE(back->title);
  CHECK(back->title->size() % 3 == 1);
  CHECK(back->title->size() > (60u << 20));
  CHECK(huge.title->compare(0, back->title->size(), *back->title) == 0);
  CHECK(back->links.empty());
  CHECK(back->truncated == std::vector<std::string>{"title", "links"});
}

TEST_CASE("A result at the documented limits fits its frame whole", "[wire][heavy]") {
  // What a fetcher's extraction lets through (kMaxLinkBytes, kMaxFieldBytes,
  // kMaxTextBytes, each string counted with its length) and a title and a
  // description as long as a page at the default --max-bytes.
  wire::FetchResult r;
  r.final_url = "http://h/" + std::string(32 * 1024, 'u');
  r.title = std::string(10u << 20, 't');
  r.description = std::string(5u << 20, 'd');
  const std::string link(1020, 'l');
  r.links.assign(wire::kMaxLinkBytes / (link.size() + 4), link);
  r.fields = {{"f", std::vector<std::string>(wire::kMaxFieldBytes / (link.size() + 4), link)}};
  r.text = std::string(wire::kMaxTextBytes - 4, 'x');
  std::string frame = wire::EncodeResult(r);
  CHECK(frame.size() <= wire::kFrameHeaderBytes + wire::kMaxFrameBytes);
  auto out = wire::DecodeResult(std::string_view(frame).substr(4));
  REQUIRE(out);
  CHECK(out->truncated.empty());
  CHECK(out->links.size() == r.links.size());
  CHECK(out->fields[0].second.size() == r.fields[0].second.size());
  CHECK(out->text->size() == r.text->size());
  CHECK(out->title->size() == r.title->size());
}

}  // namespace
TEST_CASE("A fetcher program's configuration survives a round trip", "[wire]") {
  using namespace wire;
  FetchSettings c;
  c.concurrency = 7;
  c.timeout = std::chrono::milliseconds(1500);
  c.connect_timeout = std::chrono::milliseconds(250);
  c.user_agent = "bot/1";
  c.max_bytes = 1u << 20;
  c.resolve = {"a.test:80:127.0.0.1", "b.test:443:::1"};
  c.extract.select = {{"price", "span.price", "data-value"}, {"h", "h1", ""}};
  c.extract.text = true;
  c.extract.max_text = 4096;
  c.extract.max_links = 77;
  c.extract.follow = kFollowMedia | kFollowStyles;
  const LogLevel log_level = LogLevel::kError;
  c.deny_private = true;
  c.stall_timeout = std::chrono::milliseconds(2500);
  c.fetcher_memory_mib = FetchSettings::kAutoFetcherMemory;
  c.headers = {"X-A: 1", "Accept:"};
  c.credentials = {"u:p", HttpAuth::kDigest, "tok", "k=v"};
  c.netrc_file = "/n";
  c.proxy = {"http://p:1", "socks5h://q:2", "a.test", false};
  c.tls = {"/ca.pem", "/cadir", true, "/c.pem", "/k.pem"};
  HostSettings host;
  host.pattern = "*.example.com";
  host.headers = {"X-B: 2"};
  host.user_agent = "other/2";
  host.credentials = {"", HttpAuth::kAny, "", "c=1"};
  host.timeout = std::chrono::milliseconds(900);
  host.per_host = 2;
  HostSettings plain;
  plain.pattern = "plain.test";
  c.hosts = {host, plain};
  c.cookies = false;
  c.keep_headers = true;
  c.save_dir = "/srv/pages";
  c.keep_body = true;
  c.accept_types = {"text/html", "image/*"};
  c.warc.path = "/w/crawl";
  c.warc.max_size = 12345;
  c.warc.info = "k: v\r\n";
  c.warc.cdx = true;
  LogLevel level = LogLevel::kInfo;
  std::optional<FetchSettings> back =
      DecodeFetcherConfig(EncodeFetcherConfig(c, log_level), &level);
  REQUIRE(back);
  CHECK(back->concurrency == 7);
  CHECK(back->timeout == std::chrono::milliseconds(1500));
  CHECK(back->connect_timeout == std::chrono::milliseconds(250));
  CHECK(back->user_agent == "bot/1");
  CHECK(back->max_bytes == 1u << 20);
  CHECK(back->resolve == c.resolve);
  CHECK(back->extract.select == c.extract.select);
  CHECK(back->extract.text);
  CHECK(back->extract.max_text == 4096);
  CHECK(back->extract.max_links == 77);
  CHECK(back->extract.follow == (kFollowMedia | kFollowStyles));
  CHECK(level == LogLevel::kError);
  CHECK(back->deny_private);
  CHECK(back->stall_timeout == std::chrono::milliseconds(2500));
  CHECK(back->fetcher_memory_mib == FetchSettings::kAutoFetcherMemory);
  CHECK_FALSE(back->allow_link_local);
  CHECK(back->headers == c.headers);
  CHECK(back->credentials == c.credentials);
  CHECK(back->netrc_file == "/n");
  CHECK(back->proxy == c.proxy);
  CHECK(back->tls == c.tls);
  CHECK(back->hosts == c.hosts);
  CHECK_FALSE(back->hosts[1].per_host);
  CHECK_FALSE(back->hosts[1].delay);
  CHECK_FALSE(back->cookies);
  CHECK(back->keep_headers);
  CHECK(back->save_dir == "/srv/pages");
  CHECK(back->keep_body);
  CHECK(back->accept_types == c.accept_types);
  CHECK(back->warc.path == "/w/crawl");
  CHECK(back->warc.max_size == 12345);
  CHECK(back->warc.info == "k: v\r\n");
  CHECK(back->warc.cdx);
  CHECK_FALSE(back->extract.ignore_nofollow);
  c.extract.ignore_nofollow = true;
  back = DecodeFetcherConfig(EncodeFetcherConfig(c, log_level), &level);
  REQUIRE(back);
  CHECK(back->extract.ignore_nofollow);
  CHECK_FALSE(back->extract.full_parse);
  c.extract.full_parse = true;
  back = DecodeFetcherConfig(EncodeFetcherConfig(c, log_level), &level);
  REQUIRE(back);
  CHECK(back->extract.ignore_nofollow);
  CHECK(back->extract.full_parse);
  c.deny_private = false;
  c.allow_link_local = true;
  back = DecodeFetcherConfig(EncodeFetcherConfig(c, log_level), &level);
  REQUIRE(back);
  CHECK_FALSE(back->deny_private);
  CHECK(back->allow_link_local);
  std::string bytes = EncodeFetcherConfig(c, log_level);
  CHECK_FALSE(DecodeFetcherConfig(bytes.substr(0, bytes.size() - 1), &level));
  CHECK_FALSE(DecodeFetcherConfig(bytes + "x", &level));
  std::string unknown_flag = bytes;
  unknown_flag.back() = 4;  // extract flags: 1 and 2 only
  CHECK_FALSE(DecodeFetcherConfig(unknown_flag, &level));
  CHECK(IsReady(EncodeReady().substr(kFrameHeaderBytes)));
  CHECK_FALSE(IsReady(bytes));
  // Type 14, the layout before save_dir, is refused.
  std::string old = EncodeFetcherConfig(FetchSettings{}, log_level);
  old.resize(old.size() - 4);
  old[0] = 14;
  CHECK_FALSE(DecodeFetcherConfig(old, &level));
}

TEST_CASE("A fetcher program's configuration carries FetchSettings' defaults whole", "[wire]") {
  using namespace wire;
  const FetchSettings defaults;
  LogLevel level = LogLevel::kInfo;
  std::optional<FetchSettings> back =
      DecodeFetcherConfig(EncodeFetcherConfig(defaults, LogLevel::kOff), &level);
  REQUIRE(back);
  CHECK(level == LogLevel::kOff);
  CHECK(back->concurrency == defaults.concurrency);
  CHECK(back->timeout == defaults.timeout);
  CHECK(back->connect_timeout == defaults.connect_timeout);
  CHECK(back->user_agent == defaults.user_agent);
  CHECK(back->max_bytes == defaults.max_bytes);
  CHECK(back->resolve.empty());
  CHECK_FALSE(back->deny_private);
  CHECK_FALSE(back->allow_link_local);
  CHECK(back->stall_timeout == defaults.stall_timeout);
  CHECK(back->fetcher_memory_mib == FetchSettings::kAutoFetcherMemory);
  CHECK(back->extract.select.empty());
  CHECK(back->extract.text == defaults.extract.text);
  CHECK(back->extract.max_text == defaults.extract.max_text);
  CHECK(back->extract.max_links == defaults.extract.max_links);
  CHECK(back->extract.follow == kFollowAnchors);
  CHECK(back->headers.empty());
  CHECK(back->credentials.empty());
  CHECK(back->proxy == defaults.proxy);
  CHECK(back->tls == defaults.tls);
  CHECK(back->hosts.empty());
  CHECK(back->cookies == defaults.cookies);
  CHECK(back->keep_headers == defaults.keep_headers);
  CHECK(back->save_dir == defaults.save_dir);
  CHECK(back->warc.path == defaults.warc.path);
  CHECK(back->warc.max_size == defaults.warc.max_size);
  CHECK(back->warc.info == defaults.warc.info);
  CHECK(back->keep_body == defaults.keep_body);
  CHECK(back->accept_types.empty());
  CHECK(back->extract.ignore_nofollow == defaults.extract.ignore_nofollow);
  CHECK(back->extract.full_parse == defaults.extract.full_parse);
  // The log level byte sits after max_links and follow (4 bytes), before
  // the guard flags, stall_timeout, fetcher_memory_mib, the request shaping
  // (56 bytes at the defaults), accept_types (4), the WARC settings (17),
  // save_dir (4) and the extract flags (1); a value past kOff is no level.
  std::string bytes = EncodeFetcherConfig(defaults, LogLevel::kOff);
  const std::size_t at = bytes.size() - 1 - 4 - 17 - 4 - 56 - (1 + 8 + 8) - 1;
  REQUIRE(static_cast<std::uint8_t>(bytes[at]) == static_cast<std::uint8_t>(LogLevel::kOff));
  REQUIRE(bytes.substr(at - 4, 4) == std::string("\x01\0\0\0", 4));  // follow: a only
  std::string bad_level = bytes;
  bad_level[at] = static_cast<char>(static_cast<std::uint8_t>(LogLevel::kOff) + 1);
  CHECK_FALSE(DecodeFetcherConfig(bad_level, &level));
  // A follow bit past kFollowAll is no kind.
  std::string bad_follow = bytes;
  bad_follow[at - 1] = static_cast<char>(0x80);
  CHECK_FALSE(DecodeFetcherConfig(bad_follow, &level));
  bad_follow[at - 1] = 0;
  bad_follow[at - 4] = static_cast<char>(kFollowAll);
  CHECK(DecodeFetcherConfig(bad_follow, &level)->extract.follow == kFollowAll);
  // Type 20, the layout before follow, is refused.
  std::string old = bytes;
  old.erase(at - 4, 4);
  old[0] = 20;
  CHECK_FALSE(DecodeFetcherConfig(old, &level));
}

TEST_CASE("A result's robots signals survive a round trip, and type 21 does not decode", "[wire]") {
  for (bool noindex : {false, true}) {
    for (std::string canonical : {"", "https://example.com/the-one"}) {
      wire::FetchResult in = SampleResult();
      in.noindex = noindex;
      in.canonical = canonical;
      const std::string frame = wire::EncodeResult(in);
      auto out = wire::DecodeResult(std::string_view(frame).substr(wire::kFrameHeaderBytes));
      REQUIRE(out);
      CHECK(out->noindex == noindex);
      CHECK(out->canonical == canonical);
      CHECK(out->saved == in.saved);
    }
  }
  wire::FetchResult in = SampleResult();
  in.noindex = true;
  std::string payload = wire::EncodeResult(in).substr(wire::kFrameHeaderBytes);
  // A noindex byte other than 0 or 1 is corrupt; the layout without the
  // two fields (type 21's end) is short.
  std::string bad = payload;
  bad[bad.size() - 5] = 2;
  CHECK_FALSE(wire::DecodeResult(bad));
  CHECK_FALSE(wire::DecodeResult(payload.substr(0, payload.size() - 5)));
}

}  // namespace forage
