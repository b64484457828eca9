#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

// The level buffer sizes are macros built from other macros, which Swift does not import.
static inline uint32_t cisal_level_buffer_size(uint32_t level) {
  switch (level) {
  case 1: return ISAL_DEF_LVL1_DEFAULT;
  case 2: return ISAL_DEF_LVL2_DEFAULT;
  case 3: return ISAL_DEF_LVL3_DEFAULT;
  default: return ISAL_DEF_LVL0_DEFAULT;
  }
}
