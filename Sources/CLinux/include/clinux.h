#ifndef CSYSTEM_H
#define CSYSTEM_H
#include <sys/types.h>

// Linux calls and macros Swift's Glibc module does not bring in.
dev_t csystem_makedev(unsigned int major, unsigned int minor);
int csystem_fsetxattr(int fd, const char *name, const void *value, size_t size);
// mallopt(M_ARENA_MAX, n): at most n malloc arenas (malloc.h is not in Swift's Glibc).
int csystem_limit_arenas(int n);

// libFuzzer's entry for programs with a main of their own (imggit-fuzz, built with
// -sanitize=fuzzer); only referenced there.
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
