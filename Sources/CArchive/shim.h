#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

// Function-like and cast macros do not import into Swift.
static const unsigned int CARCHIVE_AE_IFMT = 0170000;
static const unsigned int CARCHIVE_AE_IFREG = 0100000;
static const unsigned int CARCHIVE_AE_IFLNK = 0120000;
static const unsigned int CARCHIVE_AE_IFSOCK = 0140000;
static const unsigned int CARCHIVE_AE_IFCHR = 0020000;
static const unsigned int CARCHIVE_AE_IFBLK = 0060000;
static const unsigned int CARCHIVE_AE_IFDIR = 0040000;
static const unsigned int CARCHIVE_AE_IFIFO = 0010000;

// archive_set_error is variadic, which Swift cannot call.
static inline void carchive_set_error(struct archive *a, int err, const char *message) {
  archive_set_error(a, err, "%s", message);
}
