#pragma once

#include <chrono>

#include "support/child_process.h"

namespace forage::test {

// A TCP port on 127.0.0.1 that nothing listened on a moment ago: the kernel
// picked it for a socket bound to port 0, which is closed again. Someone
// may take it meanwhile; a caller that binds it retries on EADDRINUSE.
int UnusedLocalPort();

// Whether a TCP connection to 127.0.0.1:`port` is accepted now (waiting at
// most 100 ms for the handshake); the connection is closed again at once.
bool Accepting(int port);

// For a daemon that cannot report its readiness: tries Accepting(port) until
// it succeeds (true), `process` exits or `timeout` passes (false). Between
// attempts it waits up to 20 ms for the process to exit, reading its output
// meanwhile, so a refused connection is retried without spinning and an exit
// (say, because the port was taken) ends the wait at once.
bool WaitAccepting(int port, ChildProcess& process, std::chrono::milliseconds timeout);

}  // namespace forage::test
