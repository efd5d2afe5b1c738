// The shims are static inline functions in include/kernel_shims.h; SwiftPM needs one source file.
#include "kernel_shims.h"
