/* endpoint.h — a TCP endpoint in 48 bits, as accept, connect and
 * getsockname record it in their event's id (docs/trace-format.md,
 * "Endpoints"), by the built-in probes and the interposer alike: what lets
 * `sockscope merge` pair a server's connections with its clients'. */
#ifndef SS_ENDPOINT_H
#define SS_ENDPOINT_H

#include <stdint.h>
#include <sys/socket.h>

/* The IPv4 address (host order) << 16 | port; an IPv6 address other than a
 * v4-mapped one is folded to 32 bits (FNV-1a). 0 for anything else or a
 * short address. */
uint64_t ss_endpoint_pack(const struct sockaddr *sa, socklen_t len);

#endif
