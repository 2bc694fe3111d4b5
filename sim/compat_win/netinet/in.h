/* mingw-w64 has no <netinet/in.h>: Winsock declares it all (see ss_compat.h). */
#include "../ss_compat.h"
