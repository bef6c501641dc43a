// The single Catch2 main for the whole suite.
#define CATCH_CONFIG_RUNNER
#include <stdlib.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  // Crawlers in this process, and the forage commands it runs, start the
  // fetcher program of this build, never one installed on the machine.
  ::setenv("FORAGE_FETCHER", FORAGE_FETCHER_BIN, 1);
  return Catch::Session().run(argc, argv);
}
