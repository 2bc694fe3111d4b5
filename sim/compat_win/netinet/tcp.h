/* mingw-w64 has no <netinet/tcp.h>: Winsock declares TCP_NODELAY (see ss_compat.h). */
#include "../ss_compat.h"
