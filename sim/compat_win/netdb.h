/* mingw-w64 has no <netdb.h>: Winsock declares it all (see ss_compat.h). */
#include "ss_compat.h"
