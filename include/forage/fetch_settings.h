#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "forage/version.h"

namespace forage {

// --select NAME=CSS[@attr]: record field NAME lists, for every element the
// CSS selector matches, its text, or the value of attribute `attr`.
struct FieldRule {
  std::string name;
  std::string css;
  std::string attr;  // empty: the element's text

  bool operator==(const FieldRule&) const = default;
};

// The kinds of link a page's extraction gathers (ExtractSettings::follow,
// --follow KINDS), as bits. Each names elements and attributes of the HTML
// namespace unless it says otherwise.
enum LinkKinds : std::uint32_t {
  // "a": a[href] and area[href], in any namespace (an SVG <a> too).
  kFollowAnchors = 1u << 0,
  // "frame": iframe[src], frame[src].
  kFollowFrames = 1u << 1,
  // "link": link[href] whose rel holds alternate, next, prev or previous,
  // or that has an hreflang; never one whose rel holds stylesheet, icon or
  // canonical.
  kFollowLinks = 1u << 2,
  // "refresh": the URL of <meta http-equiv="refresh" content="N; url=...">.
  kFollowRefresh = 1u << 3,
  // "media": img[src], img[srcset], source[src], source[srcset] (in
  // <picture>, <video>, <audio>), video[src], video[poster], audio[src],
  // track[src], input[type=image][src]; every URL of a srcset.
  kFollowMedia = 1u << 4,
  // "script": script[src].
  kFollowScripts = 1u << 5,
  // "style": link[href] whose rel holds stylesheet; the url()s of style
  // attributes (any namespace) and the url()s and @import strings of
  // <style> elements.
  kFollowStyles = 1u << 6,
  // "all".
  kFollowAll = (1u << 7) - 1,
};

// What a page's extraction takes beyond title, description and links: the
// same for every HTML page of a run (CrawlOptions::fetch.extract) or of an
// ExtractHtml call.
struct ExtractSettings {
  // Record fields, as --select.
  std::vector<FieldRule> select;
  bool text = false;                 // add the page's visible text to records
  std::size_t max_text = 64 * 1024;  // ... cut to this many bytes
  // Links a record keeps: the first max_links distinct ones (0: no limit).
  // Those past it are neither recorded nor followed, and the record says
  // "links" in its `truncated` list. Extraction stops there, so a page of a
  // million links costs a fetcher and the master no more than one of
  // max_links. A record's links, its --select values and its text are also
  // kept within 16 MiB each, whatever the limits, and named when cut.
  std::size_t max_links = 20'000;
  // Which links a record lists, and a crawl follows: LinkKinds bits (no bit
  // outside kFollowAll; ValidateOptions). They are gathered in document
  // order (a srcset's URLs in its order, an element's attributes as
  // written), resolved against the first <base href> as anchors are, and
  // kept distinct within max_links and the byte budget. 0: no links.
  std::uint32_t follow = kFollowAnchors;
  // --ignore-nofollow (for a site's owner crawling it): follow and record
  // links that a nofollow (robots meta tag, X-Robots-Tag, rel="nofollow")
  // would keep out. noindex is still reported.
  bool ignore_nofollow = false;
  // --full-parse: build gumbo's tree for every page. By default a page
  // whose record needs no tree (no select, no text) is read by a streaming
  // scanner instead, when the scanner can vouch for gumbo's very answer,
  // which it does for most pages at a fraction of the cost; the records
  // are the same either way. For comparison, and as a way out.
  bool full_parse = false;
};

// How --user's password is offered. kBasic sends it with the first request,
// as curl and wget do by default; kDigest answers the server's Digest
// challenge (one extra round trip per request); kAny lets curl pick the
// safest scheme the server's challenge offers (Digest over Basic).
enum class HttpAuth : std::uint8_t { kBasic = 0, kDigest = 1, kAny = 2 };

// Secrets a request may carry. Where they are sent is decided per request
// (see FetchSettings::credentials and HostSettings::credentials); they never
// appear in a log line, a record or the stats.
struct Credentials {
  std::string user;  // "USER:PASSWORD" (--user); "" none
  HttpAuth auth = HttpAuth::kBasic;
  std::string bearer;  // sent as "Authorization: Bearer TOKEN" (--bearer); "" none
  std::string cookie;  // "k=v; k2=v2", added to the Cookie header (--cookie); "" none

  bool empty() const { return user.empty() && bearer.empty() && cookie.empty(); }
  bool operator==(const Credentials&) const = default;
};

// Settings for the hosts a pattern matches (a [hosts."PATTERN"] table of the
// config file): "example.com" matches that host; "*.example.com" its
// subdomains at any depth, not example.com itself; "*" every host. A host
// takes the one most specific table that matches it (an exact name, then
// the wildcard with the most labels, then "*"); what that table leaves
// unset comes from the run's own settings, never from a less specific table.
struct HostSettings {
  std::string pattern;  // lower case; an IDN in punycode
  // Added to the run's headers, replacing those of the same name.
  std::vector<std::string> headers;
  std::optional<std::string> user_agent;
  // Sent to matching hosts over https, and over plain http only to an origin
  // of the listed URLs.
  Credentials credentials;
  std::optional<std::chrono::milliseconds> timeout;
  // The master's: transfers in flight to one matching host, and the gap
  // between request starts to it (CrawlOptions::per_host and delay).
  std::optional<int> per_host;
  std::optional<std::chrono::milliseconds> delay;

  bool operator==(const HostSettings&) const = default;
};

// Where requests go through a proxy. Each URL is a proxy as curl's --proxy
// takes it: "[SCHEME://][USER:PASSWORD@]HOST[:PORT]" with SCHEME http (the
// default), https, socks4, socks4a, socks5 or socks5h.
struct ProxySettings {
  std::string http;   // for http:// URLs; "" direct
  std::string https;  // for https:// URLs; "" direct
  // Hosts reached directly, as curl's NO_PROXY: names separated by commas
  // or spaces, each matching that host and its subdomains (a leading dot is
  // ignored), IP addresses, and "*" for every host.
  std::string noproxy;
  // Fill whichever of http, https and noproxy are empty from the
  // environment when the run starts, as curl reads it: http_proxy (lower
  // case only), https_proxy or HTTPS_PROXY, all_proxy or ALL_PROXY for
  // both, no_proxy or NO_PROXY.
  bool from_environment = true;

  bool operator==(const ProxySettings&) const = default;
};

// How TLS peers are verified, and the client certificate for mutual TLS.
struct TlsSettings {
  std::string cacert;       // a PEM file of CA certificates; "" the system's
  std::string capath;       // a directory of hashed CA certificates; "" the system's
  bool insecure = false;    // verify no certificate (warned about once at start)
  std::string client_cert;  // a PEM certificate presented to servers; "" none
  std::string client_key;   // its PEM private key; "" the key is in client_cert

  bool operator==(const TlsSettings&) const = default;
};

// Where a run archives what it fetched (--warc): a set of WARC/1.1 files,
// `path` (".warc.gz" added unless it ends so) and then PATH-00001.warc.gz
// and on, each record its own gzip member.
struct WarcSettings {
  std::string path;  // "" = no archive
  // A file is closed, and the next one begun, once it is this long (the
  // last exchange written can take it past).
  std::uint64_t max_size = 1ull << 30;
  // Lines of the warcinfo record that begins each file ("key: value\r\n"
  // each), after forage's own: the run's settings, never a secret.
  std::string info;
  // --warc-cdx: a CDXJ index (pywb's form) beside each file, CRAWL.cdxj for
  // CRAWL.warc.gz, written by the fetcher as it closes the file and again
  // by the master whenever it cuts a file back.
  bool cdx = false;
};

// Everything a fetcher process needs to fetch and extract pages: the part of
// a run's options that crosses to the fetchers, whole (the wire layer
// encodes it as the fetcher's configuration). Each field has the default
// the command line documents.
struct FetchSettings {
  // Transfers in flight inside each fetcher (its curl multi handle); also
  // the most jobs the master hands one fetcher at a time.
  int concurrency = 16;
  // Limit on a whole transfer, redirects and body included.
  std::chrono::milliseconds timeout{30'000};
  // Limit on connecting (DNS, TCP and TLS) for each connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // Sent as the User-Agent header, and the product token robots.txt rules
  // are matched against.
  std::string user_agent = std::string("forage/") + kVersion;
  // Largest body accepted, counted after decompression; more gives too_large.
  std::uint64_t max_bytes = 10ull << 20;
  // "HOST:PORT:ADDRESS" entries sending a host's connections to an address,
  // as curl's --resolve does (tests use it to name several local hosts).
  std::vector<std::string> resolve;
  // The SSRF guard, applied to the address of every connection as it is
  // made (after DNS, on every redirect hop): deny_private refuses loopback,
  // private, link-local, multicast, reserved and unspecified addresses;
  // without it, link-local addresses (169.254.0.0/16, where clouds serve
  // instance metadata, and fe80::/10) are still refused unless
  // allow_link_local. Through a proxy, the only connection is to the proxy,
  // which the user chose and the guard does not judge: the guard judges the
  // URL's host (and a robots.txt redirect's) by name instead, refusing an IP
  // address of a denied class and, under deny_private, "localhost" and its
  // subdomains, before any request; a name that resolves to a private
  // address is the proxy's to refuse. A refused URL's record has kind
  // "blocked".
  bool deny_private = false;
  bool allow_link_local = false;
  // A fetcher holding work that shows no sign of life for this long (its
  // heartbeat, stamped at least once a second, or results on its pipe) has
  // stopped (SIGSTOP, a deadlock): it is killed and replaced, and its URLs
  // are requeued as after any fetcher death. The master watches for it; the
  // fetcher paces its heartbeat by it (at least four beats per stall_timeout).
  std::chrono::milliseconds stall_timeout{30'000};
  // The most memory (MiB) each fetcher process may take, as RLIMIT_DATA:
  // a hostile page that makes the parser's tree explode kills its fetcher
  // rather than the machine; the fetcher is replaced and the page, killing
  // a second one, gets worker_crash. kAutoFetcherMemory: 256 MiB plus
  // (2 x concurrency + 32) x max_bytes, room for every body in flight and
  // for the tree of the biggest page; 0: no limit. Not applied in builds
  // with AddressSanitizer, whose shadow memory it would count.
  static constexpr std::uint64_t kAutoFetcherMemory = ~std::uint64_t{0};
  std::uint64_t fetcher_memory_mib = kAutoFetcherMemory;

  // Request shaping. Headers "Name: value" sent with every request
  // (robots.txt fetches too), after curl's own; "Name:" with no value
  // removes a header curl would send. Authorization and Cookie headers are
  // credentials: sent only where `credentials` go.
  std::vector<std::string> headers;
  // Sent only to the origins (scheme, host and port) of the listed URLs:
  // never to another host a link or a redirect leads to, nor over plain
  // http to a host listed with https. Not sent with robots.txt fetches.
  Credentials credentials;
  // A .netrc file whose machine entries give USER:PASSWORD for their hosts
  // (curl reads it), used over https and for listed http origins; "" none.
  std::string netrc_file;
  ProxySettings proxy;
  TlsSettings tls;
  // Per-host settings; see HostSettings.
  std::vector<HostSettings> hosts;
  // The run's cookie session: cookies responses set are kept by the master
  // (one jar for every fetcher) and sent with later requests as browsers
  // would. false: no cookie is kept (--no-cookies).
  bool cookies = true;
  // Records carry the response's headers (Record::headers).
  bool keep_headers = false;
  // --warc: each fetcher archives every HTTP exchange of a page (its
  // request, and its response as it travelled) in WARC/1.1 files of the set
  // `warc.path` names; empty: none. See WarcSettings.
  WarcSettings warc;
  // --save DIR: each fetcher writes the body of every ok response (status
  // 2xx, no error, whole: a body --max-bytes cut is never saved; any content
  // type; robots.txt is not a page) under this directory, at the path
  // SavePathFor (src/archive/save_path.h) makes of the final URL, replacing
  // a file only when its bytes differ, and the record says where
  // (Record::saved). The directory and its parents are made if missing.
  // "" (the default): nothing is saved.
  std::string save_dir;
  // --accept-type: media ranges ("text/html", "image/*", "*/*"; see
  // ValidateOptions) a page's response must match to be downloaded. A 2xx
  // answer to a page (not robots.txt, not a redirect, a 304 or an error
  // status) whose Content-Type matches none is aborted once its headers are
  // in, so its body is never read: its record has kind "unwanted_type", not a
  // failure, with status and content_type kept and bytes 0. A response
  // without Content-Type is accepted. Empty: every type is.
  std::vector<std::string> accept_types;
  // Library only: each record carries its response's decoded body
  // (Record::body), whatever the content type. Bodies then travel from the
  // fetchers to the master, one per result, so max_bytes may be at most
  // 256 MiB with it (ValidateOptions).
  bool keep_body = false;

  // Extraction, for HTML pages.
  ExtractSettings extract;
};

}  // namespace forage
