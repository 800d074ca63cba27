// OpenBLAS's CBLAS interface. Debian's plain <cblas.h> is an alternatives link that may point at
// another BLAS, so the pthread build is named explicitly; Apple platforms will use Accelerate.
#if defined(__linux__)
#include <x86_64-linux-gnu/openblas-pthread/cblas.h>
#else
#include <cblas.h>
#endif

// LAPACK routines OpenBLAS carries (Debian's libopenblas0 exports the Fortran symbols; no LAPACKE
// header is installed, so the Fortran prototypes are declared here, with the hidden lengths of the
// character arguments that gfortran passes last).
#if defined(__linux__)
#include <stddef.h>
/// Eigenvalues (ascending) and, with jobz = 'V', orthonormal eigenvectors of a symmetric matrix,
/// by divide and conquer; the matrix is overwritten with the eigenvectors (column-major).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
#endif
