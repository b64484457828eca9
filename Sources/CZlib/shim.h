#include <zlib.h>

// deflateInit2 is a macro, which Swift does not import: raw deflate (no zlib or gzip
// wrapper, the caller writes the gzip member), a 32 KiB window, zlib's default memory level.
static inline int czlib_deflate_init_raw(z_stream *strm, int level) {
  return deflateInit2(strm, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}
