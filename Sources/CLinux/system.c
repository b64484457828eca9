#include "clinux.h"
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <malloc.h>

dev_t csystem_makedev(unsigned int major, unsigned int minor) { return makedev(major, minor); }

int csystem_fsetxattr(int fd, const char *name, const void *value, size_t size) {
  return fsetxattr(fd, name, value, size, 0);
}

int csystem_limit_arenas(int n) { return mallopt(M_ARENA_MAX, n); }
