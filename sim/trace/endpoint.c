/* endpoint.c — endpoint.h's packing of a TCP address into 48 bits */
#include "sim/trace/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

uint64_t ss_endpoint_pack(const struct sockaddr *sa, socklen_t len)
{
    if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (uint64_t)ntohl(in->sin_addr.s_addr) << 16 | ntohs(in->sin_port);
    }
    if (!sa || sa->sa_family != AF_INET6 || len < (socklen_t)sizeof(struct sockaddr_in6))
        return 0;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    const uint8_t *b = in6->sin6_addr.s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    uint32_t h = 2166136261u;
    if (memcmp(b, mapped, sizeof mapped) == 0)
        h = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
    else
        for (int i = 0; i < 16; i++)
            h = (h ^ b[i]) * 16777619u;
    return (uint64_t)h << 16 | ntohs(in6->sin6_port);
}
