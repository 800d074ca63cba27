// Element-wise kernels for x86-64 with AVX-512F: a vectorised exponential (range reduction
// x = n·ln2 + r, a degree-6 polynomial for eʳ, 2ⁿ by vscalefps), row-wise softmax and GELU with
// the exact error-function form (and its derivative). Callers ask `ck_cpu_has_avx512f()` first and use their own
// portable code otherwise; on other hosts these entry points do nothing.
#ifndef CELEMENTWISEKERNELS_H
#define CELEMENTWISEKERNELS_H

#include <stddef.h>

/// 1 when the CPU runs AVX-512F and `CLIPKIT_PORTABLE_KERNELS` is not 1, else 0.
int ck_cpu_has_avx512f(void);

/// output[r, i] = e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z) with z = input[r] (+ mask, when not NULL), for
/// rows [rowStart, rowEnd) of `rows`·`length` values. `mask` is one row of `length` additive values
/// applied to every row, or `maskRows` when the mask has a row per row (row r uses mask + (r % maskRows)·length).
/// A row whose maximum is −∞ (fully masked) becomes zeros. `input` may equal `output`.
void ck_softmax_rows(const float *input, const float *mask, int maskRows, float *output, int length, size_t rowStart, size_t rowEnd);

/// output[i] = eˣ for x = input[i], i < count (0 below −104, +∞ above 88.8, NaN stays NaN).
void ck_exp(const float *input, float *output, size_t count);

/// output[i] = x·Φ(x) = x/2·(1 + erf(x/√2)), erf as a degree-5/5 rational function of z² (|error| ≤ 3.6e-7).
void ck_gelu(const float *input, float *output, size_t count);

/// inputGradient[i] = outputGradient[i]·(Φ(x) + x·φ(x)), the derivative of GELU (erf by Abramowitz & Stegun 7.1.26).
void ck_gelu_backward(const float *input, const float *outputGradient, float *inputGradient, size_t count);

#endif
