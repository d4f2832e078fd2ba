// The module map's header path is relative to the map, so this one line brings in
// libpq from wherever pkg-config says it is (-I/usr/include/postgresql on Debian).
#include <libpq-fe.h>
