// OpenBLAS's CBLAS interface. Debian's plain <cblas.h> is an alternatives link that may point at
// another BLAS, so the pthread build is named explicitly; Apple platforms will use Accelerate.
#if defined(__linux__)
#include <x86_64-linux-gnu/openblas-pthread/cblas.h>
#else
#include <cblas.h>
#endif
