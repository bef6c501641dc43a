#include <catch2/catch.hpp>

#include "state/state_store.h"
