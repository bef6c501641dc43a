#include "state/state_store.h"
