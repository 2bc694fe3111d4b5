/* mingw-w64 has no <arpa/inet.h>: Winsock declares it all (see ss_compat.h). */
#include "../ss_compat.h"
