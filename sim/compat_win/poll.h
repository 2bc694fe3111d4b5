/* mingw-w64 has no <poll.h>: Winsock declares it all (see ss_compat.h). */
#include "ss_compat.h"
