#pragma once

// FORAGE_API marks what libforage.so exports: the public API and nothing
// else (the library is compiled with hidden visibility, so its internals and
// the template instantiations it uses stay private to it).
#define FORAGE_API __attribute__((visibility("default")))
